import {
  deleteRabbitNames,
  type Fixture,
  rabbitNames,
  spawnFixture,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxTables, placeOrder, relayOutbox } from './outbox.js';
import {
  awardPoints,
  consumeOrderPlaced,
  createLoyaltyTables,
  declareOrderTopology,
  naiveAwardPoints,
  type OrderPlacedHandler,
} from './outbox-consumer.js';

const database = useTestDatabase('outbox');
const names = rabbitNames('transactions');
const exchange = names.exchange('orders');
const queue = names.queue('loyalty');
let pool: pg.Pool;
let connection: ChannelModel;
let channel: ConfirmChannel;

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createOutboxTables(pool);
  await createLoyaltyTables(pool);
  connection = await amqp.connect(testServices().amqpUrl);
  channel = await connection.createConfirmChannel();
  await declareOrderTopology(channel, exchange, queue);
});

const fixtures: Fixture[] = [];
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.kill()));
});

afterAll(async () => {
  if (channel) await deleteRabbitNames(channel, names);
  await connection?.close();
});

beforeEach(async () => {
  await pool.query('TRUNCATE orders, outbox, loyalty_points, processed_events');
  await channel.purgeQueue(queue);
});

const unsent = async () =>
  (await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;
const queued = async () => (await channel.checkQueue(queue)).messageCount;
const points = async (customerId: number) =>
  (await pool.query('SELECT points FROM loyalty_points WHERE customer_id = $1', [customerId])).rows[0]?.points ?? 0;

const deadRelayGone = async () =>
  (
    await pool.query(
      "SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'outbox' AND l.pid <> pg_backend_pid()",
    )
  ).rows[0].n === 0;

/** Consumes until `expected` deliveries were handled and acked (bounded wait), then stops consuming. */
async function deliverAll(handler: OrderPlacedHandler, expected: number): Promise<string[]> {
  const handled: string[] = [];
  // A channel of its own, closed after: a delivery it had not acked would go back to the queue.
  const consumer = await connection.createChannel();
  await consumeOrderPlaced(pool, consumer, queue, handler, (eventId) => void handled.push(eventId));
  await waitUntil(() => handled.length >= expected, `${expected} deliveries handled`, 10_000);
  await consumer.close();
  return handled;
}

/** An order whose event the relay published, then died before marking it sent; a restarted relay sends it again. */
async function publishTwiceAcrossACrash(): Promise<void> {
  await placeOrder(pool, 7, 4_500);
  const relay = spawnFixture(new URL('./test/relay-once.ts', import.meta.url), {
    args: [database.url, testServices().amqpUrl, exchange],
  });
  fixtures.push(relay);
  await relay.exited;
  expect(relay.child.signalCode, relay.errors.join('\n')).toBe('SIGKILL');
  expect(await unsent()).toBe(1);
  expect(await queued()).toBe(1);
  // Postgres ends the killed relay's session, and its row lock, only once it notices the socket is
  // gone; until then the restarted relay's SKIP LOCKED would rightly skip the row.
  await waitUntil(deadRelayGone, "the killed relay's session to end", 10_000);
  expect(await relayOutbox(pool, channel, exchange)).toBe(1);
  expect(await unsent()).toBe(0);
  expect(await queued()).toBe(2);
}

describe('outbox', () => {
  it('writes the order and its event in one transaction, and the relay publishes it once', async () => {
    const order = await placeOrder(pool, 3, 1_000);
    const { rows } = await pool.query('SELECT event_id, payload FROM outbox');
    expect(rows.map((r) => r.payload)).toEqual([order]);
    expect(await relayOutbox(pool, channel, exchange)).toBe(1);
    expect(await relayOutbox(pool, channel, exchange)).toBe(0);
    expect(await deliverAll(awardPoints, 1)).toEqual([rows[0].event_id]);
    expect(await points(3)).toBe(10);
    expect(await queued()).toBe(0);
  });

  it('a relay failing after the confirm leaves the event unsent; what went out is a persistent JSON message', async () => {
    const order = await placeOrder(pool, 4, 2_000);
    const { rows } = await pool.query('SELECT event_id FROM outbox');
    let confirmed: string[] = [];
    const dies = (eventIds: string[]) => {
      confirmed = eventIds;
      throw new Error('relay died');
    };
    await expect(relayOutbox(pool, channel, exchange, { afterPublish: dies })).rejects.toThrow('relay died');
    expect(confirmed).toEqual([rows[0].event_id]);
    expect(await unsent()).toBe(1);
    const message = await channel.get(queue, { noAck: true });
    expect(message && { ...message.properties, event: JSON.parse(message.content.toString()) }).toMatchObject({
      messageId: rows[0].event_id,
      contentType: 'application/json',
      deliveryMode: 2,
      event: order,
    });
  });

  it('a relay killed between publish and mark sends the event again; the idempotent consumer applies it once', async () => {
    await publishTwiceAcrossACrash();
    const handled = await deliverAll(awardPoints, 2);
    expect(handled).toHaveLength(2);
    expect(new Set(handled).size).toBe(1);
    expect(await points(7)).toBe(45);
    expect(await queued()).toBe(0);
  });

  // #region naive-consumer
  it('a consumer that is not idempotent applies the redelivered event twice', async () => {
    await publishTwiceAcrossACrash();
    const handled = await deliverAll(naiveAwardPoints, 2);
    expect(new Set(handled).size).toBe(1);
    expect(await points(7)).toBe(90);
  });
  // #endregion naive-consumer

  it('two relays at once publish each event exactly once (SKIP LOCKED splits the rows)', async () => {
    for (let i = 0; i < 50; i++) await placeOrder(pool, 100 + i, 100);
    const second = await connection.createConfirmChannel();
    const counts = await Promise.all([
      relayOutbox(pool, channel, exchange, { batchSize: 30 }),
      relayOutbox(pool, second, exchange, { batchSize: 30 }),
    ]);
    await second.close();
    expect(counts[0] + counts[1]).toBe(50);
    expect(await unsent()).toBe(0);
    expect(await queued()).toBe(50);
  });
});
