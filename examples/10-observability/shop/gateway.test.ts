import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deleteRedisPrefix, redisPrefix, testServices, waitUntil } from '@cookbook/shared/testing';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { createGateway } from './gateway.js';

// The gateway alone, in front of a stand-in order service whose every answer the test decides:
// held in flight, slow, gone, or with headers the client must not see.
const prefix = redisPrefix('gateway');
let redis: Redis;
let upstream: Server;
let ordersUrl: string;
type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let answer: Answer;
const forwarded: { headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  redis = new Redis(testServices().redisUrl);
  upstream = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    forwarded.push({ headers: req.headers, body });
    answer(req, res, body);
  }).listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  ordersUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterEach(() => {
  forwarded.length = 0;
});
afterAll(async () => {
  upstream.closeAllConnections();
  upstream.close();
  await deleteRedisPrefix(redis, prefix);
  await redis?.quit();
});

const gateway = (url = ordersUrl, forwardTimeoutMs?: number): Express =>
  createGateway({
    ordersUrl: url,
    redis,
    keyPrefix: prefix,
    registry: new Registry(),
    logger: createLogger({ service: 'gateway-test' }),
    forwardTimeoutMs,
  });
const created: Answer = (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"7"}');
const order = { item: 'sencha', quantity: 1, email: 'ada@example.com' };

describe('the gateway in front of the order service', () => {
  it('a duplicate sent while the first is in flight is a 409 with Retry-After; the answered key is free again', async () => {
    let release = () => {};
    answer = (req, res, body) => {
      release = () => created(req, res, body);
    };
    const app = gateway();
    const first = request(app).post('/orders').set('idempotency-key', 'in-flight').send(order).then();
    await waitUntil(() => forwarded.length === 1, 'the first request to reach the order service');
    const duplicate = await request(app).post('/orders').set('idempotency-key', 'in-flight').send(order);
    expect([duplicate.status, duplicate.headers['retry-after']]).toEqual([409, '1']);
    expect(duplicate.body.error).toMatch(/^idempotency-key: /);
    release();
    expect((await first).status).toBe(201);
    expect(await redis.exists(`${prefix}idempotency:in-flight`)).toBe(0);
    answer = created;
    await request(app).post('/orders').set('idempotency-key', 'in-flight').send(order).expect(201);
    expect(forwarded.map((f) => f.headers['idempotency-key'])).toEqual(['in-flight', 'in-flight']); // not the 409
  });

  it('forwards the order as JSON with its key, and passes back only the headers a client acts on', async () => {
    answer = (_req, res) =>
      res
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '7', 'x-upstream-node': 'orders-1' })
        .end('{"error":"the message broker is reconnecting"}');
    const answered = await request(gateway()).post('/orders').set('idempotency-key', 'k1').send(order);
    expect([answered.status, answered.headers['retry-after'], answered.headers['x-upstream-node']]).toEqual([
      503,
      '7',
      undefined,
    ]);
    expect(answered.headers['idempotent-replayed']).toBeUndefined();
    expect(answered.body).toEqual({ error: 'the message broker is reconnecting' });
    expect(forwarded).toMatchObject([{ headers: { 'content-type': 'application/json', 'idempotency-key': 'k1' } }]);
    expect(JSON.parse(forwarded[0]?.body ?? '')).toEqual(order);
  });

  it('without a key, forwards none and claims none', async () => {
    answer = created;
    await request(gateway()).post('/orders').send(order).expect(201);
    expect(forwarded[0]?.headers['idempotency-key']).toBeUndefined();
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('refuses a body over 10 kB (413) without forwarding it', async () => {
    answer = created;
    await request(gateway())
      .post('/orders')
      .send({ ...order, item: 'x'.repeat(11_000) })
      .expect(413);
    expect(forwarded).toEqual([]);
  });

  it('an order service that is down is a 502 with Retry-After, not a 500, and frees the key', async () => {
    const gone = createServer().listen(0, '127.0.0.1');
    await once(gone, 'listening');
    const url = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    gone.close(); // nothing listens there now
    const answered = await request(gateway(url)).post('/orders').set('idempotency-key', 'down').send(order);
    expect([answered.status, answered.headers['retry-after']]).toEqual([502, '5']);
    expect(answered.body.error).toContain('same Idempotency-Key');
    expect(await redis.exists(`${prefix}idempotency:down`)).toBe(0);
  });

  it('an order service that does not answer in time is a 504 with Retry-After', async () => {
    answer = () => {}; // never answers
    const answered = await request(gateway(ordersUrl, 200)).post('/orders').set('idempotency-key', 'slow').send(order);
    expect([answered.status, answered.headers['retry-after']]).toEqual([504, '5']);
    expect(answered.body.error).toContain('same Idempotency-Key');
    expect(await redis.exists(`${prefix}idempotency:slow`)).toBe(0);
  });
});
