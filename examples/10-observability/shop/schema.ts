import type { Pool } from 'pg';

/** The orders the order service takes (one per Idempotency-Key) and the confirmation emails the worker queues for each. */
export async function createShopSchema(pool: Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS orders (
      id bigserial PRIMARY KEY,
      item text NOT NULL,
      quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 100),
      email text NOT NULL,
      placed_at timestamptz NOT NULL DEFAULT now()
    );
    -- One order per Idempotency-Key, enforced where the order is stored: a retried request finds its
    -- order instead of placing a second one, and two racing with one key cannot both insert.
    ALTER TABLE orders ADD COLUMN IF NOT EXISTS idempotency_key text UNIQUE;
    CREATE TABLE IF NOT EXISTS emails (
      id bigserial PRIMARY KEY,
      order_id bigint NOT NULL UNIQUE REFERENCES orders (id),
      recipient text NOT NULL,
      subject text NOT NULL,
      queued_at timestamptz NOT NULL DEFAULT now()
    )`);
}
