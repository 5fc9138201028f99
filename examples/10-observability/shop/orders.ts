import type { ConfirmChannel } from 'amqplib';
import express, { type Express } from 'express';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { Logger } from 'winston';
import { handleErrors, reportFailedResponses } from '../error-tracking/report-errors.js';
import { recordRequests } from '../metrics/red-metrics.js';
import { ORDER_PLACED, type ShopQueues } from './broker.js';

export interface OrderServiceDeps {
  pool: Pool;
  /** The confirm channel to publish on; undefined while the broker is away. */
  channel(): ConfirmChannel | undefined;
  queues: ShopQueues;
  registry: Registry;
  logger: Logger;
}

export interface PlacedOrder {
  orderId: string;
  item: string;
  quantity: number;
  email: string;
}

/** Stores an order (once per Idempotency-Key) and announces it; the email worker takes it from there. */
export function createOrderService({ pool, channel, queues, registry, logger }: OrderServiceDeps): Express {
  const app = express();
  app.use(recordRequests(registry));
  app.use(reportFailedResponses());
  app.use(express.json({ limit: '10kb' }));
  app.post('/orders', async (req, res) => {
    const { item, quantity, email } = (req.body ?? {}) as Record<string, unknown>;
    const key = req.get('idempotency-key');
    const problem = invalidField({ item, quantity, email }) ?? invalidKey(key);
    if (problem) {
      res.status(400).json({ error: problem });
      return;
    }
    // Checked before the insert: an order stored while the broker is away would never be emailed.
    // (A connection lost mid-request still parts the two writes: a retry with the same Idempotency-Key
    // publishes again; for a request without one, closing that is an outbox's job.)
    const publisher = channel();
    if (!publisher) {
      res
        .status(503)
        .set('retry-after', '5')
        .json({ error: 'the message broker is reconnecting: retry in a few seconds' });
      return;
    }
    const stored = await storeOrder(pool, { item, quantity, email } as Omit<PlacedOrder, 'orderId'>, key);
    if (stored === KEY_REUSED) {
      res.status(422).json({ error: 'idempotency-key: already used for a different order; send a new key' });
      return;
    }
    const { replayed, ...order } = stored;
    // A replay publishes again: its first attempt may have stored the order and died before this
    // line. The email worker writes one email per order whatever the number of deliveries.
    try {
      await publishConfirmed(publisher, queues.exchange, Buffer.from(JSON.stringify(order)));
    } catch (error) {
      // Stored, but the broker never said it has the event (the channel closed first, or the broker
      // went down): a 201 now would promise an email a broker crash can lose. A retry with the same
      // Idempotency-Key replays the order and publishes it again.
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn('order stored, its event not confirmed', { orderId: order.orderId, error: reason });
      res.status(503).set('retry-after', '5').json({
        error: 'the order was stored but the broker did not confirm its event: retry with the same Idempotency-Key',
        id: order.orderId,
      });
      return;
    }
    logger.info(replayed ? 'order replayed' : 'order placed', { orderId: order.orderId });
    if (replayed) res.set('idempotent-replayed', 'true');
    res.status(201).json({ id: order.orderId });
  });
  app.get('/orders/:id', async (req, res) => {
    if (!/^\d{1,18}$/.test(req.params.id)) {
      res.status(400).json({ error: 'id: must be a positive integer' });
      return;
    }
    const { rows } = await pool.query('SELECT id, item, quantity, placed_at FROM orders WHERE id = $1', [
      req.params.id,
    ]);
    if (rows[0]) res.json(rows[0]);
    else res.status(404).json({ error: `no order ${req.params.id}` });
  });
  app.use(handleErrors());
  return app;
}

/** An empty key is refused, not stored: every client sending one would share one order. */
function invalidKey(key: string | undefined): string | undefined {
  if (key === '') return 'idempotency-key: must not be empty';
  if (key !== undefined && key.length > 200) return 'idempotency-key: at most 200 characters';
  return undefined;
}
const KEY_REUSED = Symbol('idempotency key reused');

/**
 * Inserts the order, or, when its Idempotency-Key is already taken, finds the order stored under it.
 * The unique index decides: a second request with the key waits for the first's commit, then finds
 * its row. A key sent again with a different order is a client's bug, not a retry: answering with
 * the first order would confirm an order the client did not send.
 */
async function storeOrder(
  pool: Pool,
  { item, quantity, email }: Omit<PlacedOrder, 'orderId'>,
  key: string | undefined,
): Promise<(PlacedOrder & { replayed: boolean }) | typeof KEY_REUSED> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO orders (item, quantity, email, idempotency_key) VALUES ($1, $2, $3, $4)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [item, quantity, email, key ?? null],
  );
  if (rows[0]) return { orderId: rows[0].id, item, quantity, email, replayed: false };
  const stored = await pool.query<{ id: string; item: string; quantity: number; email: string }>(
    'SELECT id, item, quantity, email FROM orders WHERE idempotency_key = $1',
    [key],
  );
  const first = stored.rows[0] as (typeof stored.rows)[number]; // the conflict's row: orders are never deleted
  if (first.item !== item || first.quantity !== quantity || first.email !== email) return KEY_REUSED;
  return { orderId: first.id, item, quantity, email, replayed: true };
}

function invalidField({ item, quantity, email }: Record<string, unknown>): string | undefined {
  if (typeof item !== 'string' || item.length === 0 || item.length > 100) return 'item: a name of 1 to 100 characters';
  if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100)
    return 'quantity: an integer from 1 to 100';
  if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email)) return 'email: an address like ada@example.com';
  return undefined;
}

/**
 * Resolves once the broker has the event: for a persistent message routed to a durable queue,
 * RabbitMQ confirms only after writing it to disk. Rejects on a nack, or when the channel closes first.
 */
function publishConfirmed(channel: ConfirmChannel, exchange: string, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(exchange, ORDER_PLACED, content, { persistent: true, contentType: 'application/json' }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}
