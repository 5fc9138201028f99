import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testServices, waitUntil } from '@cookbook/shared/testing';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { useShopEnv } from '../test/shop-env.js';
import { declareShopQueues, ORDER_PLACED, shopQueuesFromEnv } from './broker.js';
import { createGateway } from './gateway.js';
import { createOrderService } from './orders.js';
import { createShopSchema } from './schema.js';

const shop = useShopEnv('idempotency');
let pool: pg.Pool;
let redis: Redis;
let broker: ChannelModel;
let channel: ConfirmChannel;
let brokerAway = false; // the order service's view: while true, it answers 503 before storing
const servers: Server[] = [];
let gatewayUrl: string;
let ordersUrl: string;
let announced: string; // a queue of the test's own, bound to every order.placed

async function serve(app: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(app).listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  pool = shop.database.pool({ max: 5 });
  await createShopSchema(pool);
  redis = new Redis(testServices().redisUrl);
  broker = await amqp.connect(testServices().amqpUrl);
  channel = await broker.createConfirmChannel();
  const queues = shopQueuesFromEnv(shop.env());
  await declareShopQueues(channel, queues);
  announced = (await channel.assertQueue('', { exclusive: true })).queue;
  await channel.bindQueue(announced, queues.exchange, ORDER_PLACED);
  const logger = createLogger({ service: 'idempotency-test' });
  const registry = new Registry();
  ordersUrl = await serve(
    createOrderService({ pool, channel: () => (brokerAway ? undefined : channel), queues, registry, logger }),
  );
  const keyPrefix = shop.env().SHOP_REDIS_PREFIX as string;
  gatewayUrl = await serve(createGateway({ ordersUrl, redis, keyPrefix, registry: new Registry(), logger }));
});
afterEach(() => {
  brokerAway = false; // a failed test must not leave the next one refused
});
afterAll(async () => {
  for (const server of servers) server.close();
  await broker?.close();
  await redis?.quit();
});

const order = { item: 'sencha', quantity: 2, email: 'ada@example.com' };
const post = (url: string, key: string, body: unknown = order) =>
  fetch(`${url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
const ordersUnder = async (key: string) =>
  (await pool.query('SELECT id FROM orders WHERE idempotency_key = $1', [key])).rowCount;
const announcedOrders: Record<string, unknown>[] = [];
/** How often `orderId` has been announced so far, reading what reached the test's queue. */
async function announcements(orderId: string): Promise<number> {
  for (
    let message = await channel.get(announced, { noAck: true });
    message;
    message = await channel.get(announced, { noAck: true })
  ) {
    announcedOrders.push(JSON.parse(message.content.toString()) as Record<string, unknown>);
  }
  return announcedOrders.filter((placed) => placed.orderId === orderId).length;
}

describe('one order per Idempotency-Key, through the gateway', () => {
  it('a retry after a 503 places the order, and the 503 keeps its Retry-After through the gateway', async () => {
    brokerAway = true;
    const refused = await post(gatewayUrl, 'retry-after-503');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    brokerAway = false;
    const retried = await post(gatewayUrl, 'retry-after-503'); // the same key: the client's retry
    expect(retried.status).toBe(201);
    expect(await ordersUnder('retry-after-503')).toBe(1);
  });

  it('a retry after a 201 finds the same order and announces it again; no second order', async () => {
    const first = await post(gatewayUrl, 'retry-after-201');
    const again = await post(gatewayUrl, 'retry-after-201');
    expect([first.status, again.status]).toEqual([201, 201]);
    const { id } = (await first.json()) as { id: string };
    expect(await again.json()).toEqual({ id });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await ordersUnder('retry-after-201')).toBe(1);
    // Announced twice: the first attempt may have died between its insert and its publish. The
    // worker writes one email per order (ON CONFLICT), however often it is told.
    await waitUntil(async () => (await announcements(id)) >= 2, 'both announcements to reach the queue');
    expect(announcedOrders.filter((placed) => placed.orderId === id)).toEqual(Array(2).fill({ orderId: id, ...order }));
  });

  it('ten requests racing with one key, at the gateway: one order; the others wait (409) or find it', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(gatewayUrl, 'race-at-gateway')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses).toContain(201);
    expect(answers.find((answer) => answer.status === 409)?.headers.get('retry-after') ?? '1').toBe('1');
    expect(await ordersUnder('race-at-gateway')).toBe(1);
  });

  it('ten racing with one key past the gateway (two gateways, say): the unique index keeps it one order', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(ordersUrl, 'race-at-orders')));
    const ids = new Set(await Promise.all(answers.map(async (answer) => ((await answer.json()) as { id: string }).id)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    expect(ids.size).toBe(1);
    expect(await ordersUnder('race-at-orders')).toBe(1);
  });

  it('refuses a key sent again with a different order (422), and announces nothing for it', async () => {
    const first = await post(gatewayUrl, 'reused-key');
    const { id } = (await first.json()) as { id: string };
    for (const changed of [{ quantity: 3 }, { item: 'matcha' }, { email: 'grace@example.com' }]) {
      const reused = await post(gatewayUrl, 'reused-key', { ...order, ...changed });
      expect(reused.status).toBe(422);
      expect(await reused.json()).toEqual({
        error: expect.stringMatching(/^idempotency-key: already used for a different order/),
      });
    }
    expect(await ordersUnder('reused-key')).toBe(1);
    await waitUntil(async () => (await announcements(id)) >= 1, 'the first order to be announced');
    const replay = await post(gatewayUrl, 'reused-key'); // the same order again is still a retry
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
    await waitUntil(async () => (await announcements(id)) >= 2, 'the replay to be announced');
    expect(await announcements(id)).toBe(2); // none for the three refused
  });

  it('refuses a key longer than 200 characters, naming it', async () => {
    const answer = await post(ordersUrl, 'k'.repeat(201));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'idempotency-key: at most 200 characters' });
  });
});
