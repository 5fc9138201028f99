import { deleteRabbitNames, rabbitNames, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import pg, { type PoolClient } from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPoolMetrics, recordQueueMetrics, recordReadiness } from './dependency-metrics.js';

/** `name{labels} value` → value, for the one series of `name` whose labels contain `match`. */
function sample(text: string, name: string, match = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(match));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('pg pool metrics', () => {
  const database = useTestDatabase('pool_metrics');

  // #region pool-waiting
  it('shows connections in use, idle, and callers queued for one', async () => {
    const pool = database.pool({ max: 2 });
    const registry = new Registry();
    recordPoolMetrics(registry, pool, 'orders');
    const held: PoolClient[] = [await pool.connect(), await pool.connect()];
    const queued = [pool.query('SELECT 1'), pool.query('SELECT 1'), pool.query('SELECT 1')];
    const busy = await registry.metrics();
    expect(sample(busy, 'pg_pool_connections_total', 'pool="orders"')).toBe(2);
    expect(sample(busy, 'pg_pool_connections_idle')).toBe(0);
    expect(sample(busy, 'pg_pool_waiting_requests')).toBe(3);
    for (const client of held) client.release();
    await Promise.all(queued);
    const calm = await registry.metrics();
    expect(sample(calm, 'pg_pool_waiting_requests')).toBe(0);
    expect(sample(calm, 'pg_pool_connections_idle')).toBe(2);
  });
  // #endregion pool-waiting
});

describe('RabbitMQ consumer lag and dead-letter depth', () => {
  const names = rabbitNames('queue_metrics');
  let connection: ChannelModel;
  beforeAll(async () => {
    connection = await amqp.connect(testServices().amqpUrl);
  });
  afterAll(async () => {
    const channel = await connection.createChannel();
    await deleteRabbitNames(channel, names);
    await connection.close();
  });

  it('reports messages waiting for the consumer and messages dead-lettered', async () => {
    const queue = names.queue('emails');
    const deadLetterQueue = names.queue('emails.dlq');
    const channel = await connection.createChannel();
    await channel.assertQueue(deadLetterQueue);
    await channel.assertQueue(queue, { deadLetterExchange: '', deadLetterRoutingKey: deadLetterQueue });
    const registry = new Registry();
    recordQueueMetrics(registry, connection, { queue, deadLetterQueue });
    for (let i = 0; i < 5; i++) channel.sendToQueue(queue, Buffer.from(`order ${i}`));
    const lag = await waitUntil(async () => {
      const value = sample(await registry.metrics(), 'rabbitmq_consumer_lag_messages');
      return value === 5 ? value : undefined;
    }, 'five messages ready in the queue');
    expect(lag).toBe(5);
    // A consumer that rejects two messages for good: they move to the dead-letter queue.
    for (let i = 0; i < 2; i++) {
      const message = await channel.get(queue);
      if (message) channel.nack(message, false, false);
    }
    const text = await waitUntil(async () => {
      const metrics = await registry.metrics();
      return sample(metrics, 'rabbitmq_dead_letter_messages') === 2 ? metrics : undefined;
    }, 'two messages in the dead-letter queue');
    expect(sample(text, 'rabbitmq_consumer_lag_messages', `queue="${queue}"`)).toBe(3);
    await channel.close();
  });

  it('a queue the broker does not know drops its series but never fails the scrape', async () => {
    const registry = new Registry();
    const queue = names.queue('present');
    const channel = await connection.createChannel();
    await channel.assertQueue(queue);
    recordQueueMetrics(registry, connection, { queue, deadLetterQueue: names.queue('never-declared') });
    const text = await registry.metrics();
    expect(sample(text, 'rabbitmq_consumer_lag_messages')).toBe(0);
    expect(sample(text, 'rabbitmq_dead_letter_messages')).toBeUndefined();
    // The next scrape reopens the channel the missing queue closed.
    expect(sample(await registry.metrics(), 'rabbitmq_consumer_lag_messages')).toBe(0);
    await channel.close();
  });
  it('a channel that could not be opened is opened again at the next scrape', async () => {
    const registry = new Registry();
    const queue = names.queue('retried');
    const channel = await connection.createChannel();
    await channel.assertQueue(queue);
    let attempts = 0;
    const flaky = {
      createChannel: () =>
        ++attempts === 1 ? Promise.reject(new Error('connection blocked')) : connection.createChannel(),
    };
    recordQueueMetrics(registry, flaky, { queue, deadLetterQueue: queue });
    expect(sample(await registry.metrics(), 'rabbitmq_consumer_lag_messages')).toBeUndefined();
    expect(sample(await registry.metrics(), 'rabbitmq_consumer_lag_messages')).toBe(0);
    await channel.close();
  });

  it('a channel closed between scrapes is replaced before the next one, which loses nothing', async () => {
    const registry = new Registry();
    const queue = names.queue('reopened');
    const channel = await connection.createChannel();
    await channel.assertQueue(queue);
    const opened: Channel[] = [];
    const watched = {
      createChannel: async () => {
        opened.push(await connection.createChannel());
        return opened[opened.length - 1] as Channel;
      },
    };
    recordQueueMetrics(registry, watched, { queue, deadLetterQueue: queue });
    expect(sample(await registry.metrics(), 'rabbitmq_consumer_lag_messages')).toBe(0);
    await opened[0]?.close();
    expect(sample(await registry.metrics(), 'rabbitmq_consumer_lag_messages')).toBe(0);
    expect(opened).toHaveLength(2);
    await channel.close();
  });

  it('every dependency series says in its HELP line what it counts', async () => {
    const registry = new Registry();
    const pool = new pg.Pool({ connectionString: testServices().databaseUrl }); // never connects: no query runs
    recordPoolMetrics(registry, pool);
    recordQueueMetrics(registry, connection, { queue: names.queue('help'), deadLetterQueue: names.queue('help') });
    recordReadiness(registry, () => true);
    const metrics = registry.getMetricsAsArray();
    expect(metrics).toHaveLength(6);
    for (const metric of metrics) expect(metric.help, metric.name).toMatch(/^\w+ \w+ \w+/);
    await pool.end();
  });
});

describe('readiness gauge', () => {
  it('follows the readiness check at every scrape', async () => {
    const registry = new Registry();
    let ready = true;
    recordReadiness(registry, () => ready);
    expect(await registry.metrics()).toContain('app_ready 1');
    ready = false;
    expect(await registry.metrics()).toContain('app_ready 0');
  });
});
