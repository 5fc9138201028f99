import type { Channel, ConsumeMessage } from 'amqplib';
import type pg from 'pg';
import { withTransaction } from '../postgres/session.js';
import type { OrderPlaced } from './outbox.js';

/** The consuming service's own tables: what it computes, and which events it has already applied. */
export async function createLoyaltyTables(pool: pg.Pool): Promise<void> {
  await pool.query('CREATE TABLE IF NOT EXISTS loyalty_points (customer_id int PRIMARY KEY, points int NOT NULL)');
  await pool.query('CREATE TABLE IF NOT EXISTS processed_events (event_id uuid PRIMARY KEY)');
}

const POINTS_SQL = `INSERT INTO loyalty_points (customer_id, points) VALUES ($1, $2)
  ON CONFLICT (customer_id) DO UPDATE SET points = loyalty_points.points + EXCLUDED.points`;
const pointsFor = (event: OrderPlaced) => Math.floor(event.totalCents / 100);

// #region naive-handler
/** Applies every delivery it gets: the redelivery an at-least-once relay guarantees counts twice. */
export async function naiveAwardPoints(pool: pg.Pool, _eventId: string, event: OrderPlaced): Promise<void> {
  await pool.query(POINTS_SQL, [event.customerId, pointsFor(event)]);
}
// #endregion naive-handler

// #region idempotent-handler
/** Records the event id in the same transaction as the effect: a duplicate finds its id and does nothing. */
export function awardPoints(pool: pg.Pool, eventId: string, event: OrderPlaced): Promise<void> {
  return withTransaction(pool, async (client) => {
    const first = await client.query('INSERT INTO processed_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      eventId,
    ]);
    if (first.rowCount === 1) await client.query(POINTS_SQL, [event.customerId, pointsFor(event)]);
  });
}
// #endregion idempotent-handler

export type OrderPlacedHandler = (pool: pg.Pool, eventId: string, event: OrderPlaced) => Promise<void>;

/**
 * Acks only after the handler committed. A failure is requeued once, then rejected for good
 * (to the queue's dead-letter exchange, if it has one) so a poison message cannot spin forever.
 */
export async function consumeOrderPlaced(
  pool: pg.Pool,
  channel: Channel,
  queue: string,
  handle: OrderPlacedHandler,
  onHandled: (eventId: string) => void = () => {},
): Promise<string> {
  const { consumerTag } = await channel.consume(queue, (message: ConsumeMessage | null) => {
    if (!message) return;
    const eventId = String(message.properties.messageId);
    const event = JSON.parse(message.content.toString()) as OrderPlaced;
    handle(pool, eventId, event).then(
      () => {
        channel.ack(message);
        onHandled(eventId);
      },
      () => channel.nack(message, false, !message.fields.redelivered),
    );
  });
  return consumerTag;
}

/** A durable topic exchange the relay publishes to, and the consumer's durable queue bound to `order.placed`. */
export async function declareOrderTopology(channel: Channel, exchange: string, queue: string): Promise<void> {
  // Stryker disable next-line ObjectLiteral: amqplib declares an exchange durable when `durable` is left out
  await channel.assertExchange(exchange, 'topic', { durable: true });
  // Stryker disable next-line ObjectLiteral: amqplib declares a queue durable when `durable` is left out
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, 'order.placed');
}
