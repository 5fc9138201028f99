import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqlState } from '../retry/retry-transaction.js';
import { createSagaTables } from '../saga/saga-log.js';
import { reserveStock } from './inventory.js';
import { createShopTables, type OrderServices, orderServices } from './services.js';
import { ORDER, resetShop, STOCK, shopState } from './test/shop.js';

const database = useTestDatabase('shop');
let pool: pg.Pool;
let services: OrderServices;

beforeAll(async () => {
  // Postgres waits deadlock_timeout (1 s) before it looks for a cycle; 20 ms keeps a deadlock short.
  const admin = database.pool({ max: 1 });
  await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET deadlock_timeout = '20ms'`);
  pool = database.pool({ max: 8 });
  await createShopTables(pool);
  await createSagaTables(pool);
  services = orderServices(pool);
});

beforeEach(() => resetShop(pool));

describe('shop: every step keyed by the order id', () => {
  it('running every step twice changes nothing the first run did not', async () => {
    const id = randomUUID();
    for (let round = 0; round < 2; round++) {
      await services.createOrder(id, ORDER);
      await services.reserveStock(id, ORDER.lines);
      await services.chargePayment(id, ORDER.customerId, ORDER.totalCents);
      await services.sendConfirmation(id, ORDER.customerId);
      expect(await shopState(pool, id)).toEqual({
        order: 'placed',
        reserved: 7,
        stock: { book: STOCK.book - 2, pen: STOCK.pen - 5 },
        payment: 'charged',
        notified: true,
      });
    }
  });

  it('orders listing the same SKUs in opposite orders never deadlock: stock rows are locked in SKU order', async () => {
    await pool.query('UPDATE stock SET available = 1000');
    const lines = [
      { sku: 'pen', quantity: 1 },
      { sku: 'book', quantity: 1 },
    ];
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => reserveStock(pool, randomUUID(), i % 2 ? lines : [...lines].reverse())),
    );
    expect(results.flatMap((r) => (r.status === 'rejected' ? [sqlState(r.reason)] : []))).toEqual([]);
    const { rows } = await pool.query('SELECT sku, available FROM stock ORDER BY sku');
    expect(rows).toEqual([
      { sku: 'book', available: 940 },
      { sku: 'pen', available: 940 },
    ]);
  });
});
