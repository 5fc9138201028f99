import { randomUUID } from 'node:crypto';
import { type Fixture, spawnFixture, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopTables, orderServices } from '../shop/services.js';
import { ORDER, resetShop, STOCK, shopState } from '../shop/test/shop.js';
import { orderSaga } from './order-saga.js';
import { resumeSagas } from './resume.js';
import { createSagaTables, loadSaga } from './saga-log.js';

const database = useTestDatabase('saga_crash');
let pool: pg.Pool;

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createShopTables(pool);
  await createSagaTables(pool);
});

const fixtures: Fixture[] = [];
// A child still running would hold a connection when the database is dropped: kill it and wait.
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.kill()));
});

beforeEach(() => resetShop(pool));

async function placeOrderAndCrash(mode: 'saga' | 'naive', orderId: string) {
  const fixture = spawnFixture(new URL('./test/place-order.ts', import.meta.url), {
    args: [database.url, mode, orderId, 'reserve-stock', JSON.stringify(ORDER)],
  });
  fixtures.push(fixture);
  await fixture.exited;
  expect(fixture.child.signalCode, fixture.errors.join('\n')).toBe('SIGKILL');
}

// Asked outside any transaction: inside one, pg_stat_activity is read once and then cached.
const lockWaiters = async (): Promise<number> =>
  (
    await pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
  ).rows[0].n;

describe('saga: a process killed after step 2', () => {
  it('leaves a log from which the next process finishes the saga, every step applied once', async () => {
    const id = randomUUID();
    await placeOrderAndCrash('saga', id);
    const left = await loadSaga(pool, id);
    expect(left?.state).toBe('running');
    expect(left?.events.map((e) => e.step)).toEqual(['create-order', 'reserve-stock']);
    expect(await shopState(pool, id)).toMatchObject({ order: 'placed', reserved: 7, payment: null });

    // As if the crash was a minute ago: older than the default 30 s staleness, so it counts as abandoned.
    await pool.query(`UPDATE sagas SET updated_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    const definition = orderSaga(orderServices(pool));
    // Two instances restarting at once, both sure the saga is abandoned: a rival session holds its row
    // until both have looked and wait to write, so the race happens every run. The compare-and-set
    // claim lets one of them drive the saga; the other finds it touched and leaves it.
    const rival = new pg.Client({ connectionString: database.url });
    await rival.connect();
    await rival.query('BEGIN');
    await rival.query('SELECT 1 FROM sagas WHERE id = $1 FOR UPDATE', [id]);
    const resumed = Promise.all([resumeSagas(pool, definition), resumeSagas(pool, definition)]);
    await waitUntil(async () => (await lockWaiters()) >= 2, 'both resumers to wait on the saga row');
    await rival.query('COMMIT');
    await rival.end();
    const [first, second] = await resumed;
    expect([...first, ...second]).toEqual([{ id, state: 'completed', failure: null }]);
    expect(await shopState(pool, id)).toEqual({
      order: 'placed',
      reserved: 7,
      stock: { book: STOCK.book - 2, pen: STOCK.pen - 5 },
      payment: 'charged',
      notified: true,
    });
  });

  it('a saga still being driven (touched recently) is not taken over', async () => {
    const id = randomUUID();
    await placeOrderAndCrash('saga', id);
    const outcomes = await resumeSagas(pool, orderSaga(orderServices(pool)), { staleAfterMs: 60_000 });
    expect(outcomes).toEqual([]);
    expect((await loadSaga(pool, id))?.state).toBe('running');
  });

  // #region naive-crash
  it('the Q&A saga leaves an order and reserved stock that nothing will ever complete or undo', async () => {
    const id = randomUUID();
    await placeOrderAndCrash('naive', id);
    expect(await resumeSagas(pool, orderSaga(orderServices(pool)), { staleAfterMs: 0 })).toEqual([]);
    expect(await shopState(pool, id)).toMatchObject({ order: 'placed', reserved: 7, payment: null, notified: false });
  });
  // #endregion naive-crash
});
