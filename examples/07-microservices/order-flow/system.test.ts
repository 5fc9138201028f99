import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { consumerQueues, useRabbit } from '../test/amqp.js';
import { type LaunchedSystem, launchSystem } from './launcher.js';

const database = useTestDatabase('microservices_system');
const rabbit = useRabbit('system');
const prefix = redisPrefix('microservices');
const lines: Record<string, unknown>[] = [];
const KEY = 'Bearer test-key';
let system: LaunchedSystem;
const email = consumerQueues(rabbit.names, 'email');

// Four child processes, as in production: every line below crossed a process boundary.
beforeAll(async () => {
  system = await launchSystem({
    databaseUrl: database.url,
    amqpUrl: testServices().amqpUrl,
    redisUrl: testServices().redisUrl,
    names: {
      exchange: rabbit.names.exchange('orders'),
      emailQueue: email.queue,
      emailDeadLetterQueue: email.deadLetterQueue,
      redisPrefix: prefix,
    },
    apiKeys: new Map([['test-key', 'test-client']]),
    rateLimit: { limit: 1000, windowMs: 60_000 },
    logSink: (line) => {
      if (line.startsWith('{')) lines.push(JSON.parse(line));
    },
  });
}, 240_000); // four processes starting on a loaded machine
afterAll(async () => {
  // Each process exits 0 on SIGTERM: deregistered, drained, every connection closed.
  expect(await system?.stop()).toEqual({ gateway: 0, 'email-service': 0, 'order-service': 0, 'user-service': 0 });
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

async function createUser(email: string) {
  const res = await request(system.urls.gateway)
    .post('/api/users')
    .set('authorization', KEY)
    .send({ email, name: 'Ada' });
  expect(res.status).toBe(201);
  return res.body as { id: number };
}

describe('an order through gateway, order-service, user-service and email-service', () => {
  // #region one-trace
  it('one correlation id reaches every service, over HTTP and over AMQP', async () => {
    const user = await createUser('ada@example.com');
    const res = await request(system.urls.gateway)
      .post('/api/orders')
      .set('authorization', KEY)
      .set('x-correlation-id', 'trace-order-42')
      .send({ userId: user.id, items: [{ sku: 'book', quantity: 2, priceCents: 1500 }] });
    expect(res.status).toBe(201);
    expect(res.headers['x-correlation-id']).toBe('trace-order-42');
    expect(res.body).toMatchObject({ userId: user.id, totalCents: 3000 });

    // #region trace-assertions
    const traced = () => lines.filter((l) => l.correlationId === 'trace-order-42');
    await waitUntil(() => traced().some((l) => l.message === 'confirmation email queued'), 'the email-service line');
    expect(new Set(traced().map((l) => l.service))).toEqual(
      new Set(['gateway', 'order-service', 'user-service', 'email-service']),
    );
    // #endregion trace-assertions
    const { rows } = await database
      .pool(schemaPoolConfig('email'))
      .query('SELECT recipient FROM sent_emails WHERE order_id = $1', [res.body.id]);
    expect(rows).toEqual([{ recipient: 'ada@example.com' }]);
  });
  // #endregion one-trace

  it('the gateway makes up an id when the client sends none, or sends one unsafe to log', async () => {
    for (const sent of [undefined, '"} {"level":"forged', 'a'.repeat(65)]) {
      const req = request(system.urls.gateway).get('/api/users/1').set('authorization', KEY);
      const res = await (sent === undefined ? req : req.set('x-correlation-id', sent));
      const id = res.headers['x-correlation-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);
      // The line comes over another process's stdout: it may land just after the answer.
      await waitUntil(() => lines.some((l) => l.service === 'user-service' && l.correlationId === id), 'the line');
    }
  });

  it('rejects requests without a known API key, naming the field', async () => {
    const res = await request(system.urls.gateway).get('/api/users/1').set('authorization', 'Bearer nope');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'missing or unknown API key', field: 'authorization' });
  });

  it('bad input is a 400 naming the field, never a 500', async () => {
    const gateway = () => request(system.urls.gateway).post('/api/orders').set('authorization', KEY);
    const noItems = await gateway().send({ userId: 1, items: [] });
    expect(noItems.status).toBe(400);
    expect(noItems.body.field).toBe('items');
    const badQuantity = await gateway().send({ userId: 1, items: [{ sku: 'a', quantity: -1, priceCents: 1 }] });
    expect(badQuantity.body).toMatchObject({ field: 'items[0].quantity' });
    const unknownUser = await gateway().send({ userId: 999_999, items: [{ sku: 'a', quantity: 1, priceCents: 1 }] });
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.body.field).toBe('userId');
    const notJson = await request(system.urls.orders)
      .post('/orders')
      .set('content-type', 'application/json')
      .send('{"userId":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.field).toBe('body');
    const badId = await request(system.urls.users).get('/users/abc');
    expect(badId.body).toEqual({ error: 'id must be a positive integer', field: 'id' });
  });

  it('every service answers liveness and readiness', async () => {
    for (const url of Object.values(system.urls)) {
      expect((await request(url).get('/health/live')).status).toBe(200);
      const ready = await request(url).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ready');
    }
  });
});
