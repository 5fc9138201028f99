import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqlState } from '../retry/retry-transaction.js';
import { createSagaTables } from '../saga/saga-log.js';
import { OutOfStockError, reserveStock } from './inventory.js';
import { CARD_LIMIT_CENTS } from './payments.js';
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

describe('shop: what each service refuses or records', () => {
  it('an order for more than is in stock reserves none of its lines', async () => {
    const id = randomUUID();
    // book comes first in SKU order: it is taken, then given back when pen runs short.
    const lines = [
      { sku: 'pen', quantity: STOCK.pen + 1 },
      { sku: 'book', quantity: 2 },
    ];
    const failure = await reserveStock(pool, id, lines).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OutOfStockError);
    expect(failure).toMatchObject({ name: 'OutOfStockError', sku: 'pen', message: 'not enough stock for pen' });
    expect(await shopState(pool, id)).toMatchObject({ reserved: 0, stock: STOCK });
  });

  it('the card limit itself is charged; a cent more is declined, with the amount', async () => {
    const [atLimit, over] = [randomUUID(), randomUUID()];
    await services.chargePayment(atLimit, 1, CARD_LIMIT_CENTS);
    await expect(services.chargePayment(over, 1, CARD_LIMIT_CENTS + 1)).rejects.toMatchObject({
      name: 'PaymentDeclinedError',
      amountCents: CARD_LIMIT_CENTS + 1,
      message: `card declined for ${CARD_LIMIT_CENTS + 1} cents`,
    });
    expect((await shopState(pool, atLimit)).payment).toBe('charged');
    expect((await shopState(pool, over)).payment).toBe(null);
  });

  it('the confirmation names the order, for the customer who placed it', async () => {
    const id = randomUUID();
    await services.sendConfirmation(id, 42);
    const { rows } = await pool.query('SELECT customer_id, message FROM notifications WHERE order_id = $1', [id]);
    expect(rows).toEqual([{ customer_id: 42, message: `Order ${id} confirmed` }]);
  });
});
