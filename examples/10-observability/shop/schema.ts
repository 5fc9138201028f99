import type { Pool } from 'pg';

/** The orders the order service takes and the confirmation emails the worker queues for each. */
export async function createShopSchema(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS orders (
      id bigserial PRIMARY KEY,
      item text NOT NULL,
      quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
      email text NOT NULL,
      placed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS emails (
      id bigserial PRIMARY KEY,
      order_id bigint NOT NULL UNIQUE REFERENCES orders (id),
      recipient text NOT NULL,
      subject text NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now()
    )`);
}
