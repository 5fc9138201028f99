import { randomUUID } from 'node:crypto';
import { closePool, startTcpProxy, type TcpProxy, testPool, useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShopTables, orderServices } from '../shop/services.js';
import { ORDER, resetShop, STOCK, shopState } from '../shop/test/shop.js';
import { orderSaga } from './order-saga.js';
import { startSaga } from './saga.js';
import { createSagaTables, loadSaga } from './saga-log.js';

const database = useTestDatabase('saga_faults');
let direct: pg.Pool;
let proxy: TcpProxy;
let proxied: pg.Pool;

beforeAll(async () => {
  direct = database.pool({ max: 2 });
  await createShopTables(direct);
  await createSagaTables(direct);
  proxy = await startTcpProxy(database.url);
  // The saga and the services talk to Postgres through the proxy; the test checks on them directly.
  proxied = testPool({ connectionString: proxy.url(), max: 3 });
});

afterAll(async () => {
  if (proxied) await closePool(proxied);
  await proxy?.close();
});

beforeEach(() => resetShop(direct));

const placeThroughProxy = (id: string) =>
  startSaga(proxied, orderSaga(orderServices(proxied)), id, ORDER, { retryDelayMs: 1 });

const completedOnce = {
  order: 'placed',
  reserved: 7,
  stock: { book: STOCK.book - 2, pen: STOCK.pen - 5 },
  payment: 'charged',
  notified: true,
};

describe('saga: a step whose Postgres connection is cut', () => {
  it('mid-transaction: the server rolls the step back, the saga runs it again, and it applies once', async () => {
    const id = randomUUID();
    // Cut as reserve-stock takes its first SKU: one reservation written, the transaction still open.
    const cut = proxy.cutOnClientBytes('UPDATE stock SET available = available -', 'before');
    const outcome = await placeThroughProxy(id);
    await cut;
    expect(outcome).toEqual({ id, state: 'completed', failure: null });
    expect(await shopState(direct, id)).toEqual(completedOnce);
    // A transient failure is not a business failure: nothing was compensated.
    expect((await loadSaga(direct, id))?.events.map((e) => e.event)).toEqual(['done', 'done', 'done', 'done']);
  });

  // #region lost-commit-reply
  it('as its COMMIT lands (the reply is lost): the rerun finds its own reservation and takes no stock twice', async () => {
    const id = randomUUID();
    const cut = proxy.cutOnClientBytes('COMMIT', 'after');
    const outcome = await placeThroughProxy(id);
    await cut;
    expect(outcome.state).toBe('completed');
    expect(await shopState(direct, id)).toEqual(completedOnce);
  });
  // #endregion lost-commit-reply
});
