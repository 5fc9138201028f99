import type { ConfirmChannel } from 'amqplib';
import type pg from 'pg';
import { withTransaction } from '../postgres/session.js';

export async function createOutboxTables(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS orders (
    id bigserial PRIMARY KEY,
    customer_id int NOT NULL,
    total_cents int NOT NULL CHECK (total_cents > 0)
  )`);
  await pool.query(`CREATE TABLE IF NOT EXISTS outbox (
    id bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    topic text NOT NULL,
    payload jsonb NOT NULL,
    published_at timestamptz
  )`);
  await pool.query('CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (id) WHERE published_at IS NULL');
}

export interface OrderPlaced {
  orderId: number;
  customerId: number;
  totalCents: number;
}

// #region place-order
/** The order and the event that announces it commit together, or neither does. */
export function placeOrder(pool: pg.Pool, customerId: number, totalCents: number): Promise<OrderPlaced> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query('INSERT INTO orders (customer_id, total_cents) VALUES ($1, $2) RETURNING id', [
      customerId,
      totalCents,
    ]);
    const event: OrderPlaced = { orderId: Number(rows[0].id), customerId, totalCents };
    await client.query(`INSERT INTO outbox (topic, payload) VALUES ('order.placed', $1)`, [JSON.stringify(event)]);
    return event;
  });
}
// #endregion place-order

export interface RelayOptions {
  batchSize?: number;
  /** Published and confirmed by the broker, not yet marked: where a crash causes a redelivery. */
  afterPublish?: (eventIds: string[]) => void;
}

// #region relay
/**
 * Publishes one batch of unsent events and marks them sent. The rows stay locked (SKIP LOCKED lets
 * other relays take other rows) until the broker has confirmed every message; a crash before the
 * COMMIT leaves them unsent, so they are published again: at-least-once, by design.
 */
export function relayOutbox(
  pool: pg.Pool,
  channel: ConfirmChannel,
  exchange: string,
  { batchSize = 100, afterPublish }: RelayOptions = {},
): Promise<number> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [batchSize],
    );
    for (const row of rows) {
      channel.publish(exchange, row.topic, Buffer.from(JSON.stringify(row.payload)), {
        messageId: row.event_id,
        contentType: 'application/json',
        persistent: true,
      });
    }
    await channel.waitForConfirms();
    afterPublish?.(rows.map((row: { event_id: string }) => row.event_id));
    await client.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
      rows.map((row: { id: string }) => row.id),
    ]);
    return rows.length;
  });
}
// #endregion relay
