import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderSaga } from '../src/order-saga.js';
import { resumeSagas } from '../src/saga.js';
import { createSagaTables, loadSaga } from '../src/saga-log.js';
import { createShopTables, orderServices } from '../src/shop/services.js';
import { killFixtures, runFixture } from './support/child-process.js';
import { ORDER, resetShop, STOCK, shopState } from './support/shop.js';

const database = useTestDatabase('saga_crash');
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: database.url, max: 5 });
  await createShopTables(pool);
  await createSagaTables(pool);
});

afterAll(async () => {
  killFixtures();
  await pool?.end();
});

beforeEach(() => resetShop(pool));

async function placeOrderAndCrash(mode: 'saga' | 'naive', orderId: string) {
  const exit = await runFixture('place-order.ts', [
    database.url,
    mode,
    orderId,
    'reserve-stock',
    JSON.stringify(ORDER),
  ]);
  expect(exit.signal, exit.stderr).toBe('SIGKILL');
}

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
    // Two instances restarting at once: the compare-and-set claim lets only one of them drive the saga,
    // and the winner's per-step heartbeat keeps it fresh, so the other does not take it over mid-way.
    const [first, second] = await Promise.all([resumeSagas(pool, definition), resumeSagas(pool, definition)]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([{ id, state: 'completed', failure: null }]);
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

  it('the Q&A saga leaves an order and reserved stock that nothing will ever complete or undo', async () => {
    const id = randomUUID();
    await placeOrderAndCrash('naive', id);
    expect(await resumeSagas(pool, orderSaga(orderServices(pool)), { staleAfterMs: 0 })).toEqual([]);
    expect(await shopState(pool, id)).toMatchObject({ order: 'placed', reserved: 7, payment: null, notified: false });
  });
});
