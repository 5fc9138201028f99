import type pg from 'pg';
import { withTransaction } from '../postgres/session.js';
import type { OrderLine } from './orders.js';

/** The inventory service: owns `stock` and `reservations`. A reservation row per order and SKU makes both directions idempotent. */
export async function createInventoryTables(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS stock (
    sku text PRIMARY KEY,
    available int NOT NULL CHECK (available >= 0)
  )`);
  await pool.query(`CREATE TABLE IF NOT EXISTS reservations (
    order_id uuid NOT NULL,
    sku text NOT NULL REFERENCES stock (sku),
    quantity int NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_id, sku)
  )`);
}

export class OutOfStockError extends Error {
  constructor(readonly sku: string) {
    super(`not enough stock for ${sku}`);
    this.name = 'OutOfStockError';
  }
}

/** Takes stock for every line in one local transaction: all lines are reserved, or none. */
export function reserveStock(pool: pg.Pool, orderId: string, lines: OrderLine[]): Promise<void> {
  return withTransaction(pool, async (client) => {
    // SKU order, so two orders never lock the same stock rows in opposite orders.
    for (const line of [...lines].sort((a, b) => a.sku.localeCompare(b.sku))) {
      const reserved = await client.query(
        'INSERT INTO reservations (order_id, sku, quantity) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [orderId, line.sku, line.quantity],
      );
      if (reserved.rowCount === 0) continue; // reserved by an earlier attempt, whose COMMIT landed
      const taken = await client.query(
        'UPDATE stock SET available = available - $2 WHERE sku = $1 AND available >= $2',
        [line.sku, line.quantity],
      );
      if (taken.rowCount === 0) throw new OutOfStockError(line.sku);
    }
  });
}

/** Compensation: one statement deletes the reservations and returns exactly what they held, so a rerun returns nothing twice. */
export async function releaseStock(pool: pg.Pool, orderId: string): Promise<void> {
  await pool.query(
    `WITH released AS (DELETE FROM reservations WHERE order_id = $1 RETURNING sku, quantity)
     UPDATE stock SET available = stock.available + released.quantity FROM released WHERE stock.sku = released.sku`,
    [orderId],
  );
}
