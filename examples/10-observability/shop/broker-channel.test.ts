import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failConsumingChannel, useBrokerVhost } from '../test/broker-faults.js';
import { inProcessShopConfig, watchInProcess } from '../test/in-process.js';
import { shopProbes } from '../test/shop-probes.js';
import { shopQueuesFromEnv } from './broker.js';
import { brokerConnectionName } from './broker-connection.js';
import { type RunningService, type ServiceName, type ShopConfig, startEmails, startOrders } from './services.js';
import { channelRebuildDelay } from './shop-channel.js';

const database = useTestDatabase('broker_channel');
const vhost = useBrokerVhost('shop_broker_channel');
const queues = shopQueuesFromEnv({}); // the default names, in the file's own virtual host

// The connection stays up in each of these: only a channel or a consumer is taken away.
describe('the broker closes a channel or cancels a consumer under the order service and the email worker', () => {
  let orders: RunningService;
  let emails: RunningService;
  let admin: pg.Pool;
  let brokerAdmin: ChannelModel;
  let declarer: Channel;
  const watch = watchInProcess();
  const { crashes } = watch;
  const { logged, ready, emailed, postOrder, placeOrder } = shopProbes(watch, () => ({ orders, admin }));

  let config: ShopConfig;

  beforeAll(async () => {
    config = inProcessShopConfig({ databaseUrl: database.url, amqpUrl: vhost.url }, queues);
    orders = await startOrders(config); // creates the tables
    emails = await startEmails(config);
    admin = database.pool({ max: 2 });
    brokerAdmin = await amqp.connect(vhost.url);
    declarer = await brokerAdmin.createChannel();
  });
  afterAll(async () => {
    await brokerAdmin?.close();
    await orders?.stop();
    await emails?.stop();
  });

  /** The worker consumes again: its queue is back, with one consumer, and it says it is ready. */
  const consumingAgain = () =>
    waitUntil(
      async () => vhost.consumersOf(queues.queue) === 1 && (await ready(emails)) === 1,
      "the worker's queue back with its consumer, and the worker ready",
    );
  /** Whichever way the service takes it, the broker's close has reached it. */
  const closeHeardBy = (service: ServiceName) =>
    waitUntil(
      () =>
        logged('rabbitmq channel closed by the broker', service).length +
        logged('rabbitmq connection lost', service).length,
      `${service} to hear of the channel's close`,
    );

  it('a publish the broker refuses (404) is a 503, and so is every order while it rebuilds the channel; then it publishes again', async () => {
    await placeOrder();
    await declarer.deleteExchange(queues.exchange); // a mistaken cleanup, or a broker that lost its definitions
    // Published to no exchange: the broker closes the channel before it confirms. The order is
    // stored, but the client is told 503, not a 201 that promises an email that will not come.
    const unconfirmed = await postOrder();
    expect([unconfirmed.status, unconfirmed.headers.get('retry-after')]).toEqual([503, '5']);
    expect(await unconfirmed.json()).toEqual({
      error: expect.stringContaining('Idempotency-Key'),
      id: expect.any(String),
    });
    await closeHeardBy('orders');
    const answers: string[] = [];
    const id = await waitUntil(async () => {
      const response = await postOrder();
      answers.push(`${response.status} retry-after ${response.headers.get('retry-after')}`);
      return response.status === 201 ? ((await response.json()) as { id: string }).id : undefined;
    }, 'an order accepted again');
    expect(new Set(answers.slice(0, -1))).toEqual(new Set(answers.length > 1 ? ['503 retry-after 5'] : []));
    await waitUntil(emailed(id), `the email row of order ${id}`); // the exchange was declared again
    expect(logged('rabbitmq channel closed by the broker', 'orders')).toMatchObject([{ level: 'warn', code: 404 }]);
    expect(logged('rabbitmq connection lost', 'orders')).toEqual([]); // its connection stayed up
    expect(crashes).toEqual([]);
  });

  it('the email worker consumes on a new channel after the broker closes its own (406), on the same connection', async () => {
    await failConsumingChannel(brokerConnectionName('email-worker'));
    await closeHeardBy('email-worker');
    await consumingAgain();
    await placeOrder();
    expect(logged('rabbitmq channel closed by the broker', 'email-worker')).toMatchObject([{ code: 406 }]);
    expect(logged('rabbitmq connection lost', 'email-worker')).toEqual([]);
    expect(crashes).toEqual([]);
  });

  it('the email worker declares its queue and consumes again after the broker cancels its consumer (queue deleted)', async () => {
    await declarer.deleteQueue(queues.queue); // as `rabbitmqctl delete_queue` does, or a failover of its node
    await consumingAgain();
    await placeOrder();
    expect(logged('rabbitmq consumer cancelled by the broker', 'email-worker')).toHaveLength(1);
    expect(logged('rabbitmq connection lost', 'email-worker')).toEqual([]);
    expect(crashes).toEqual([]);
  });

  it('a rebuild that keeps failing waits longer each time, unready meanwhile, and succeeds once the cause is gone', async () => {
    // A fresh worker: the faults above, each within a second of the last rebuild, count as one
    // failure going on, and would start this one at a longer delay.
    await emails.stop();
    emails = await startEmails(config);
    // A topic exchange replaced by a fanout one of the same name: each declare of the worker's fails, 406.
    await declarer.deleteExchange(queues.exchange);
    await declarer.assertExchange(queues.exchange, 'fanout', { durable: true });
    await declarer.deleteQueue(queues.queue);
    const failed = () => logged('rabbitmq channel rebuild failed', 'email-worker');
    await waitUntil(() => failed().length >= 4, 'four failed rebuilds');
    expect(await ready(emails)).toBe(0);
    const delays = failed().map((line) => line.retryIn as number);
    // Doubling (± 20 %), where a retry at once would spin on a broker that refuses each time.
    expect(delays[3]).toBeGreaterThanOrEqual(4 * (delays[0] as number));
    expect(failed()).toMatchObject(Array(failed().length).fill({ code: 406 }));
    await declarer.deleteExchange(queues.exchange);
    await consumingAgain();
    await placeOrder();
    expect(logged('rabbitmq connection lost', 'email-worker')).toEqual([]);
    expect(crashes).toEqual([]);
  });

  it('waits at most 10 s between rebuilds, however many fail in a row', () => {
    const delays = Array.from({ length: 100 }, (_, failures) => channelRebuildDelay(failures));
    expect(Math.max(...delays)).toBeLessThanOrEqual(10_000);
    expect(Math.min(...delays.slice(20))).toBeGreaterThan(5_000); // at the cap, not back to nothing
  });
});
