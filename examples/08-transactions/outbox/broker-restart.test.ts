import {
  deleteRabbitNames,
  rabbitNames,
  startTcpProxy,
  type TcpProxy,
  testPool,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxTables, placeOrder } from './outbox.js';
import { declareOrderTopology } from './outbox-consumer.js';
import { connectBroker, runRelay } from './relay.js';

const database = useTestDatabase('outbox_restart');
// Its own outbox, so the relay of the first test cannot take its rows.
const misdirectedDatabase = useTestDatabase('outbox_404');
const unreachableDatabase = useTestDatabase('outbox_pg_down');
const names = rabbitNames('transactions_restart');
const exchange = names.exchange('orders');
const queue = names.queue('loyalty');
let pool: pg.Pool;
let admin: ChannelModel;
let channel: Channel;
let proxy: TcpProxy;
let broker: RecoveringChannelModel;
const stop = new AbortController();
const relayErrors: unknown[] = [];
let relay: Promise<void>;

beforeAll(async () => {
  pool = database.pool({ max: 3 });
  await createOutboxTables(pool);
  admin = await amqp.connect(testServices().amqpUrl);
  channel = await admin.createChannel();
  await declareOrderTopology(channel, exchange, queue);
  // The relay reaches RabbitMQ only through the proxy, which plays the broker restart.
  proxy = await startTcpProxy(testServices().amqpUrl);
  broker = await connectBroker(proxy.url(), (error) => relayErrors.push(error));
  relay = runRelay(pool, broker, exchange, {
    signal: stop.signal,
    idleMs: 20,
    retryDelayMs: 50,
    onError: (error) => relayErrors.push(error),
  });
});

afterAll(async () => {
  stop.abort();
  await broker?.close();
  await relay;
  await proxy?.close();
  if (channel) await deleteRabbitNames(channel, names);
  await admin?.close();
});

const unsent = async () =>
  (await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;
const allSent = () => waitUntil(async () => (await unsent()) === 0, 'the relay to publish every event');

/** Every message in the queue, taken off it: the event ids, duplicates included. */
async function drainQueue(): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const message = await channel.get(queue, { noAck: true });
    if (!message) return ids;
    ids.push(String(message.properties.messageId));
  }
}

describe('outbox: the relay across a broker restart', () => {
  it('keeps relaying: events written while the broker is away go out once it is back, none lost', async () => {
    for (let i = 0; i < 5; i++) await placeOrder(pool, 1, 100 + i);
    await allSent();

    // The broker goes down: every open connection is cut, and new ones are refused for a while.
    proxy.refuse(true);
    proxy.cutAll();
    const refusedBefore = proxy.refused();
    for (let i = 0; i < 5; i++) await placeOrder(pool, 2, 200 + i);
    await waitUntil(() => proxy.refused() >= refusedBefore + 2, 'the relay to try to reconnect, twice');
    expect(await unsent()).toBe(5);

    proxy.refuse(false);
    await allSent();
    const { rows } = await pool.query('SELECT event_id FROM outbox ORDER BY id');
    const published = await drainQueue();
    expect(new Set(published)).toEqual(new Set(rows.map((row: { event_id: string }) => row.event_id)));
    expect(relayErrors.length).toBeGreaterThan(0);
  });

  it('a channel the broker closes (no such exchange, 404) is reported and replaced; the rows wait, unsent', async () => {
    const outbox = misdirectedDatabase.pool({ max: 2 });
    await createOutboxTables(outbox);
    const errors: unknown[] = [];
    const halt = new AbortController();
    const misdirected = runRelay(outbox, admin, names.exchange('missing'), {
      signal: halt.signal,
      idleMs: 20,
      retryDelayMs: 20,
      onError: (error) => errors.push(error),
    });
    await placeOrder(outbox, 3, 300);
    // Each attempt: the channel is closed by the broker (its 'error') and the publish fails.
    await waitUntil(() => errors.filter((e) => (e as { code?: number }).code === 404).length >= 2, 'two 404s');
    halt.abort();
    await misdirected;
    expect((await outbox.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n).toBe(1);
  });

  it('a batch that fails on Postgres is reported and retried; a stop cuts the idle pause and closes the channel', async () => {
    const direct = unreachableDatabase.pool({ max: 2 });
    await createOutboxTables(direct);
    const postgres = await startTcpProxy(unreachableDatabase.url);
    const outbox = testPool({ connectionString: postgres.url(), max: 2 });
    let batches = 0;
    outbox.on('release', () => batches++);
    const channels: { channel: ConfirmChannel; closed: boolean }[] = [];
    const recording = {
      async createConfirmChannel() {
        const opened = { channel: await admin.createConfirmChannel(), closed: false };
        opened.channel.once('close', () => (opened.closed = true));
        channels.push(opened);
        return opened.channel;
      },
    };
    const errors: unknown[] = [];
    const halt = new AbortController();
    postgres.refuse(true);
    // An idle pause long enough to outlast the test: only a stop that cuts it ends the loop in time.
    const relaying = runRelay(outbox, recording, exchange, {
      signal: halt.signal,
      batchSize: 1,
      idleMs: 600_000,
      retryDelayMs: 20,
      onError: (error) => errors.push(error),
    });
    await waitUntil(() => errors.length >= 2, 'two failed batches reported');
    for (let i = 0; i < 2; i++) await placeOrder(direct, 4, 400 + i);
    postgres.refuse(false);
    // Two batches of one, no pause between them, then an empty one and the idle pause.
    await waitUntil(() => batches >= 3, 'the outbox relayed and found empty');
    expect((await direct.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n).toBe(0);
    halt.abort();
    await relaying;
    expect(channels.length).toBeGreaterThan(1);
    expect(channels.filter((c) => !c.closed)).toEqual([]);
    await postgres.close();
  });
});
