import { type OwnRabbit, startOwnRabbit, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import amqp, { type RecoveringChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxTables, placeOrder } from './outbox.js';
import { declareOrderTopology } from './outbox-consumer.js';
import { connectBroker, runRelay } from './relay.js';

// A RabbitMQ node of this file's own, killed for real: the shared broker is never touched.
const database = useTestDatabase('outbox_crash');
const exchange = 'orders';
const queue = 'loyalty';
let rabbit: OwnRabbit;
let pool: pg.Pool;
let broker: RecoveringChannelModel;
const stop = new AbortController();
const relayErrors: unknown[] = [];
let relay: Promise<void>;

beforeAll(async () => {
  rabbit = await startOwnRabbit();
  pool = database.pool({ max: 3 });
  await createOutboxTables(pool);
  const admin = await amqp.connect(rabbit.url);
  await declareOrderTopology(await admin.createChannel(), exchange, queue);
  await admin.close();
  broker = await connectBroker(rabbit.url, (error) => relayErrors.push(error));
  relay = runRelay(pool, broker, exchange, {
    signal: stop.signal,
    idleMs: 20,
    retryDelayMs: 50,
    onError: (error) => relayErrors.push(error),
  });
}, 60_000);

afterAll(async () => {
  stop.abort();
  await broker?.close().catch(() => {});
  await relay;
  await rabbit?.stop();
});

const eventIds = async (): Promise<string[]> =>
  (await pool.query('SELECT event_id FROM outbox ORDER BY id')).rows.map((row: { event_id: string }) => row.event_id);
const allSent = () =>
  waitUntil(
    async () => (await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n === 0,
    'the relay to publish every event',
  );

/** Every message in the queue, taken off it on a connection of its own: the event ids, copies included. */
async function drainQueue(): Promise<string[]> {
  const connection = await amqp.connect(rabbit.url);
  try {
    const channel = await connection.createChannel();
    const ids: string[] = [];
    for (let message = await channel.get(queue, { noAck: true }); message; ) {
      ids.push(String(message.properties.messageId));
      message = await channel.get(queue, { noAck: true });
    }
    return ids;
  } finally {
    await connection.close();
  }
}

describe('outbox: the RabbitMQ node is killed (SIGKILL) and started again', () => {
  it('what the relay had published survives the crash, and what was written meanwhile follows it', async () => {
    for (let i = 0; i < 5; i++) await placeOrder(pool, 1, 100 + i);
    await allSent(); // confirmed by the broker: persistent messages in a durable queue, on its disk

    const restarted = rabbit.restart();
    for (let i = 0; i < 5; i++) await placeOrder(pool, 2, 200 + i); // while the node is down or booting
    await restarted;
    await allSent(); // the relay's connection recovered by itself, and its loop took a new channel

    // At least once: an event published but not yet marked when the node died may be there twice.
    const published = await drainQueue();
    expect(new Set(published)).toEqual(new Set(await eventIds()));
    expect(published.length).toBeGreaterThanOrEqual(10);
    expect(relayErrors.length).toBeGreaterThan(0); // the crash was seen, not slept through
  }, 90_000);
});
