import { gzipSync } from 'node:zlib';
import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerQueues, useRabbit } from '../test/amqp.js';
import { type System, startSystem } from './system.js';

const database = useTestDatabase('microservices_hostile');
const rabbit = useRabbit('hostile');
const prefix = redisPrefix('microservices_hostile');
const KEY = 'Bearer test-key';
let system: System;

beforeAll(async () => {
  const email = consumerQueues(rabbit.names, 'email');
  system = await startSystem({
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
    rateLimit: { limit: 10_000, windowMs: 60_000 },
    logSink: () => {},
  });
});
afterAll(async () => {
  await system?.stop();
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

/** Where each service takes a body: the gateway in front, and each service behind it. */
const targets = () => [
  { name: 'gateway', url: system.urls.gateway, path: '/api/orders' },
  { name: 'order-service', url: system.urls.orders, path: '/orders' },
  { name: 'user-service', url: system.urls.users, path: '/users' },
  { name: 'email-service', url: system.urls.email, path: '/emails' },
];
const post = (url: string, path: string) => request(url).post(path).set('authorization', KEY);

const hostileBodies = [
  { what: 'malformed JSON', type: 'application/json', body: '{"userId":', status: 400 },
  { what: 'a bare JSON string', type: 'application/json', body: '"userId"', status: 400 },
  { what: 'an unknown charset', type: 'application/json; charset=klingon', body: '{}', status: 415 },
  { what: 'an unknown content-encoding', type: 'application/json', encoding: 'x-evil', body: '{}', status: 415 },
  { what: 'gzip that is not gzip', type: 'application/json', encoding: 'gzip', body: 'not gzip', status: 400 },
  {
    what: 'a body over the limit',
    type: 'application/json',
    body: JSON.stringify({ pad: 'x'.repeat(200_000) }),
    status: 413,
  },
  {
    what: 'a gzip bomb (10 MB of zeros, 10 KB on the wire)',
    type: 'application/json',
    encoding: 'gzip',
    body: gzipSync(`{"pad":"${'0'.repeat(10_000_000)}"}`),
    status: 413,
  },
];

describe('hostile input is a 4xx with a JSON body, on every service and the gateway', () => {
  // #region hostile-bodies
  for (const { what, type, encoding, body, status } of hostileBodies) {
    it(`${what}: ${status}`, async () => {
      for (const { name, url, path } of targets()) {
        const headers: Record<string, string> = { authorization: KEY, 'content-type': type };
        if (encoding) headers['content-encoding'] = encoding;
        const res = await fetch(`${url}${path}`, { method: 'POST', headers, body }); // the bytes as given
        const answer = (await res.json()) as { error?: unknown; field?: unknown };
        // email-service takes no body at all: any POST is an unknown route, answered in JSON too.
        const expected = name === 'email-service' ? 404 : status;
        const answered = res.headers.get('content-type');
        expect({ name, status: res.status, answered }).toEqual({
          name,
          status: expected,
          answered: 'application/json; charset=utf-8',
        });
        expect(typeof answer.error).toBe('string');
        if (name !== 'email-service') expect(answer.field).toBe('body');
      }
    });
  }
  // #endregion hostile-bodies

  // #region numeric-bounds
  it('numbers past their column are a 400 naming the field, never a 500', async () => {
    const INT4_MAX = 2 ** 31 - 1;
    const item = { sku: 'book', quantity: 1, priceCents: 100 };
    const cases = [
      [{ userId: INT4_MAX + 1, items: [item] }, 'userId'],
      [{ userId: 1, items: [{ ...item, quantity: INT4_MAX + 1 }] }, 'items[0].quantity'],
      [{ userId: 1, items: [{ ...item, priceCents: 2 ** 53 }] }, 'items[0].priceCents'],
      [
        {
          userId: 1,
          items: [
            { ...item, priceCents: 2_000_000_000 },
            { ...item, priceCents: 2_000_000_000 },
          ],
        },
        'items',
      ],
    ] as const;
    for (const [body, field] of cases) {
      const res = await post(system.urls.gateway, '/api/orders').send(body);
      expect({ field, status: res.status, body: res.body.field }).toEqual({ field, status: 400, body: field });
    }
    const user = await request(system.urls.users).get(`/users/${INT4_MAX + 1}`);
    expect(user.status).toBe(400);
    expect(user.body.field).toBe('id');
  });
  // #endregion numeric-bounds

  it('every service and the gateway send security headers, on answers and on errors alike', async () => {
    for (const { name, url } of targets()) {
      for (const path of ['/health/live', '/no/such/route']) {
        const res = await request(url).get(path).set('authorization', KEY);
        expect({ name, path, nosniff: res.headers['x-content-type-options'] }).toEqual({
          name,
          path,
          nosniff: 'nosniff',
        });
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['x-powered-by']).toBeUndefined();
        expect(res.type).toBe('application/json');
      }
    }
  });
});
