import {
  deleteRedisPrefix,
  redisPrefix,
  startTcpProxy,
  type TcpProxy,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import type pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { consumerQueues, useRabbit } from '../test/amqp.js';
import { type System, startSystem } from './system.js';

const database = useTestDatabase('microservices_faults');
const rabbit = useRabbit('faults');
const prefix = redisPrefix('microservices_faults');
const KEY = 'Bearer test-key';
let system: System;
let broker: TcpProxy;
let ordersPool: pg.Pool;

beforeAll(async () => {
  ordersPool = database.pool(schemaPoolConfig('orders'));
  broker = await startTcpProxy(testServices().amqpUrl); // every service's broker connection goes through it
  const email = consumerQueues(rabbit.names, 'email');
  system = await startSystem({
    databaseUrl: database.url,
    amqpUrl: broker.url(),
    redisUrl: testServices().redisUrl,
    names: {
      exchange: rabbit.names.exchange('orders'),
      emailQueue: email.queue,
      emailDeadLetterQueue: email.deadLetterQueue,
      redisPrefix: prefix,
    },
    apiKeys: new Map([['test-key', 'test-client']]),
    rateLimit: { limit: 1000, windowMs: 60_000 },
    gatewayTimeoutMs: 1_000,
    logSink: () => {},
  });
});
afterAll(async () => {
  broker?.resume();
  await system?.stop();
  await broker?.close();
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

const gateway = () => request(system.urls.gateway);
const ordersOf = async (userId: number) =>
  (await ordersPool.query('SELECT id FROM orders.orders WHERE user_id = $1', [userId])).rows as {
    id: string;
  }[];

/** Holds the broker, so order-service commits the order and then waits on its publish past the gateway's timeout. */
async function orderThatTimesOut(userId: number, idempotencyKey?: string) {
  const order = { userId, items: [{ sku: 'book', quantity: 1, priceCents: 900 }] };
  const post = () => {
    const req = gateway().post('/api/orders').set('authorization', KEY);
    return (idempotencyKey ? req.set('idempotency-key', idempotencyKey) : req).send(order);
  };
  const before = (await ordersOf(userId)).length;
  broker.pause();
  const timedOut = await post();
  expect(timedOut.status).toBe(504);
  await waitUntil(async () => (await ordersOf(userId)).length > before, 'the order committed behind the 504');
  broker.resume();
  return post; // the client's retry
}

describe('a gateway 504 after the order was created', () => {
  // #region retry-after-504
  it('a retry with the same Idempotency-Key gets that order, not a second one', { timeout: 60_000 }, async () => {
    const user = await gateway()
      .post('/api/users')
      .set('authorization', KEY)
      .send({ email: 'k@example.com', name: 'K' });
    const retry = await orderThatTimesOut(user.body.id, 'order-k-1');
    const retried = await retry();
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(await ordersOf(user.body.id)).toEqual([{ id: retried.body.id }]);
  });
  // #endregion retry-after-504

  it('without a key, the same retry creates a duplicate order', { timeout: 60_000 }, async () => {
    const user = await gateway()
      .post('/api/users')
      .set('authorization', KEY)
      .send({ email: 'n@example.com', name: 'N' });
    const retry = await orderThatTimesOut(user.body.id);
    expect((await retry()).status).toBe(201);
    expect(await ordersOf(user.body.id)).toHaveLength(2);
  });
});
