import type pg from 'pg';
import type { NewOrder } from '../orders.js';
import type { OrderServices } from '../services.js';

export const STOCK = { book: 10, pen: 50 } as const;

export const ORDER: NewOrder = {
  customerId: 7,
  totalCents: 4_500,
  lines: [
    { sku: 'pen', quantity: 5 },
    { sku: 'book', quantity: 2 },
  ],
};

export async function resetShop(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE saga_events, sagas, notifications, payments, reservations, stock, orders');
  await pool.query('INSERT INTO stock (sku, available) VALUES ($1, $2), ($3, $4)', [
    'book',
    STOCK.book,
    'pen',
    STOCK.pen,
  ]);
}

/** Everything the four services hold about one order, to compare against what should be. */
export async function shopState(pool: pg.Pool, orderId: string) {
  const one = async (sql: string) => (await pool.query(sql, [orderId])).rows[0] ?? null;
  const stock = await pool.query('SELECT sku, available FROM stock ORDER BY sku');
  return {
    order: (await one('SELECT status FROM orders WHERE id = $1'))?.status ?? null,
    reserved: Number((await one('SELECT COALESCE(SUM(quantity), 0) AS n FROM reservations WHERE order_id = $1')).n),
    stock: Object.fromEntries(stock.rows.map((r: { sku: string; available: number }) => [r.sku, r.available])),
    payment: (await one('SELECT status FROM payments WHERE order_id = $1'))?.status ?? null,
    notified: (await one('SELECT 1 AS yes FROM notifications WHERE order_id = $1')) !== null,
  };
}

export const STEP_SERVICE = {
  'create-order': 'createOrder',
  'reserve-stock': 'reserveStock',
  'charge-payment': 'chargePayment',
  'send-confirmation': 'sendConfirmation',
} as const satisfies Record<string, keyof OrderServices>;

/** The same services with one operation down: it throws before touching anything. */
export function withOutage(
  services: OrderServices,
  operation: keyof OrderServices,
  failures = Infinity,
): OrderServices {
  let left = failures;
  const original = services[operation] as (...args: unknown[]) => Promise<void>;
  return {
    ...services,
    [operation]: async (...args: unknown[]) => {
      if (left-- > 0) throw new Error(`${operation} is down`);
      return original(...args);
    },
  };
}
