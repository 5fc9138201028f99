import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Publisher } from '../broker/publisher.js';
import { createLogger } from '../correlation/logger.js';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { createServiceClient } from '../resilient-http/service-client.js';
import { startStubUserService } from '../test/stub-server.js';
import { createOrderApp, ORDERS_DDL } from './order-service.js';
import { createUserApp, USERS_DDL } from './user-service.js';

const database = useTestDatabase('microservices_idempotency');
const quiet = createLogger('test', () => {});
let orders: pg.Pool;
let users: pg.Pool;
let stub: Awaited<ReturnType<typeof startStubUserService>>;
const published: string[] = [];
const publisher = {
  publish: async (_exchange: string, _key: string, _payload: unknown, { messageId }: { messageId: string }) =>
    void published.push(messageId),
  close: async () => {},
} as Publisher;

beforeAll(async () => {
  orders = database.pool(schemaPoolConfig('orders', 25));
  users = database.pool(schemaPoolConfig('users', 3));
  await orders.query(ORDERS_DDL);
  await users.query(USERS_DDL);
  stub = await startStubUserService();
});
afterAll(async () => stub?.close());

function orderApp() {
  const client = createServiceClient({ baseUrl: stub.url });
  return createOrderApp({ pool: orders, users: client, publisher, exchange: 'unused', log: quiet });
}
const body = { userId: 1, items: [{ sku: 'book', quantity: 2, priceCents: 1500 }] };
const countOrders = async () => Number((await orders.query('SELECT count(*) FROM orders.orders')).rows[0].count);

describe('POST /orders with an Idempotency-Key', () => {
  it('the same key and body return the first order; the order is created and announced once', async () => {
    const app = orderApp();
    const before = { orders: await countOrders(), published: published.length };
    const first = await request(app).post('/orders').set('idempotency-key', 'k-same').send(body);
    const again = await request(app).post('/orders').set('idempotency-key', 'k-same').send(body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await countOrders()).toBe(before.orders + 1);
    expect(published.length).toBe(before.published + 1);
  });

  it('the same key with another body is a 422 naming the header', async () => {
    const app = orderApp();
    await request(app).post('/orders').set('idempotency-key', 'k-other').send(body);
    const other = await request(app)
      .post('/orders')
      .set('idempotency-key', 'k-other')
      .send({ ...body, userId: 2 });
    expect(other.status).toBe(422);
    expect(other.body).toEqual({
      error: 'this Idempotency-Key was used with a different request',
      field: 'idempotency-key',
    });
  });

  // #region concurrent-keys
  it('20 concurrent requests with one key create one order, and all get it', async () => {
    const app = orderApp();
    const before = await countOrders();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => request(app).post('/orders').set('idempotency-key', 'k-race').send(body)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await countOrders()).toBe(before + 1);
  });
  // #endregion concurrent-keys

  it('a key is per client: the same key from two clients makes two orders', async () => {
    const app = orderApp();
    const a = await request(app).post('/orders').set('idempotency-key', 'k-1').set('x-client-id', 'a').send(body);
    const b = await request(app).post('/orders').set('idempotency-key', 'k-1').set('x-client-id', 'b').send(body);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('without a key each POST is a new order; a malformed key is a 400', async () => {
    const app = orderApp();
    const before = await countOrders();
    await request(app).post('/orders').send(body);
    await request(app).post('/orders').send(body);
    expect(await countOrders()).toBe(before + 2);
    for (const key of ['a'.repeat(256), 'has space', 'ünïcode']) {
      const res = await request(app).post('/orders').set('idempotency-key', key).send(body);
      expect(res.status).toBe(400);
      expect(res.body.field).toBe('idempotency-key');
    }
  });
});

describe('POST /users creates, never renames', () => {
  // #region create-user-test
  it('an existing email is a 409 and the existing user keeps its name', async () => {
    const app = createUserApp({ pool: users, log: quiet });
    const created = await request(app).post('/users').send({ email: 'grace@example.com', name: 'Grace' });
    expect(created.status).toBe(201);
    const clash = await request(app).post('/users').send({ email: 'grace@example.com', name: 'Mallory' });
    expect(clash.status).toBe(409);
    expect(clash.body.field).toBe('email');
    const stored = await request(app).get(`/users/${created.body.id}`);
    expect(stored.body.name).toBe('Grace');
  });
  // #endregion create-user-test

  it('a retry with the same key gets the first 201, not a 409', async () => {
    const app = createUserApp({ pool: users, log: quiet });
    const user = { email: 'ada.l@example.com', name: 'Ada' };
    const first = await request(app).post('/users').set('idempotency-key', 'u-1').send(user);
    const retry = await request(app).post('/users').set('idempotency-key', 'u-1').send(user);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
  });
});
