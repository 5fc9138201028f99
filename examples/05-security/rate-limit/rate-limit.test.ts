import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import express, { type Express, type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  apiLimiter,
  loginLimiter,
  naiveApiLimiter,
  redisRateLimitStore,
  trustProxies,
  unsafeTrustAnyProxy,
} from './rate-limit.js';

const LIMIT = 5;
const WINDOW_MS = 60_000;
const prefix = redisPrefix('security_rate_limit');
const connections: Redis[] = [];

/** One API instance: its own limiter (and, for Redis, its own connection), like one process. */
function instance(limiter: RequestHandler, configure: (app: Express) => void = () => {}): Express {
  const app = express();
  configure(app);
  app.use(limiter);
  app.get('/ip', (req, res) => void res.json({ ip: req.ip }));
  return app;
}

function redisInstance(name: string, configure?: (app: Express) => void): Express {
  const redis = new Redis(testServices().redisUrl);
  connections.push(redis);
  const store = redisRateLimitStore(redis, `${prefix}${name}:`);
  return instance(apiLimiter({ limit: LIMIT, windowMs: WINDOW_MS, store }), configure);
}

/** Sends `count` requests round-robin across the instances and counts the allowed ones. */
async function allowed(instances: Express[], count: number, forwardedFor?: (i: number) => string): Promise<number> {
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const req = request(instances[i % instances.length] as Express).get('/ip');
    const res = await (forwardedFor ? req.set('X-Forwarded-For', forwardedFor(i)) : req);
    if (res.status === 200) ok++;
  }
  return ok;
}

afterAll(async () => {
  if (connections[0]) await deleteRedisPrefix(connections[0], prefix);
  await Promise.all(connections.map((redis) => redis.quit()));
});

describe('rate-limit: one budget across instances', () => {
  it('naive in-memory store: two instances allow twice the limit', async () => {
    const two = [0, 1].map(() => instance(naiveApiLimiter({ limit: LIMIT, windowMs: WINDOW_MS })));
    expect(await allowed(two, 4 * LIMIT)).toBe(2 * LIMIT);
  });

  it('Redis store: two instances together allow exactly the limit', async () => {
    const two = [redisInstance('shared'), redisInstance('shared')];
    expect(await allowed(two, 4 * LIMIT)).toBe(LIMIT);
  });

  it('answers over-limit requests with 429, Retry-After and a JSON body', async () => {
    const app = redisInstance('retry');
    await allowed([app], LIMIT);
    const res = await request(app).get('/ip');
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(res.body).toEqual({ error: 'too many requests', retryAfter: res.headers['retry-after'] });
    expect(res.headers.ratelimit).toContain('r=0');
  });
});

describe('rate-limit: login', () => {
  let app: Express;
  beforeAll(() => {
    const redis = new Redis(testServices().redisUrl);
    connections.push(redis);
    app = express();
    app.use(express.json());
    const store = redisRateLimitStore(redis, `${prefix}login:`);
    app.post('/login', loginLimiter({ store, windowMs: WINDOW_MS }), (req, res) => {
      res.status(req.body.password === 'right' ? 200 : 401).end();
    });
  });

  it('does not spend the budget on successful logins', async () => {
    for (let i = 0; i < 8; i++)
      expect((await request(app).post('/login').send({ password: 'right' })).status).toBe(200);
  });

  it('locks out after five failed attempts, even for the right password', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(app).post('/login').send({ password: 'guess' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await request(app).post('/login').send({ password: 'right' })).status).toBe(429);
  });
});

describe('rate-limit: the client address behind a proxy', () => {
  // What our load balancer would send: whatever the client claimed, then the address it saw.
  const viaProxy = (claimed: string, real: string) => `${claimed}, ${real}`;

  it('trusting one hop: req.ip is the address the proxy saw, whatever the client claims', async () => {
    const app = redisInstance('one_hop', (a) => trustProxies(a, 1));
    const res = await request(app).get('/ip').set('X-Forwarded-For', viaProxy('198.51.100.1', '203.0.113.7'));
    expect(res.body.ip).toBe('203.0.113.7');
    const spoofing = (i: number) => viaProxy(`198.51.100.${i + 1}`, '203.0.113.7');
    // The request above spent one of the five.
    expect(await allowed([app], 3 * LIMIT, spoofing)).toBe(LIMIT - 1);
  });

  it('trusting any proxy (`true`): a client that invents X-Forwarded-For is never limited', async () => {
    // express-rate-limit notices and logs a warning, but it still counts by the spoofed address.
    const warnings = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = redisInstance('any_hop', unsafeTrustAnyProxy);
    const spoofing = (i: number) => viaProxy(`198.51.100.${i + 1}`, '203.0.113.7');
    expect(await allowed([app], 3 * LIMIT, spoofing)).toBe(3 * LIMIT);
    expect(warnings).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_ERL_PERMISSIVE_TRUST_PROXY' }));
    warnings.mockRestore();
  });

  it('trusting none behind a proxy: every client is the proxy and they share one budget', async () => {
    const app = redisInstance('no_hop', (a) => trustProxies(a, 0));
    const res = await request(app).get('/ip').set('X-Forwarded-For', '203.0.113.7');
    expect(res.body.ip).toMatch(/127\.0\.0\.1/);
    // Client A spends the rest of the budget; client B, a different person, is then refused.
    await allowed([app], LIMIT - 1, () => '203.0.113.7');
    expect(await allowed([app], 1, () => '203.0.113.8')).toBe(0);
  });

  it('refuses a hop count that is not a whole number', () => {
    expect(() => trustProxies(express(), -1)).toThrow(new RangeError('proxy hops must be a whole number, got -1'));
  });
});

describe('rate-limit: what the limiters answer with', () => {
  it('both limiters: a 15-minute window by default, standard RateLimit headers and no legacy X-RateLimit-*', async () => {
    for (const limiter of [apiLimiter(), loginLimiter()]) {
      const res = await request(instance(limiter)).get('/ip');
      expect(res.headers['ratelimit-policy']).toMatch(/w=900\b/);
      expect(Object.keys(res.headers).filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    }
  });

  it("the Q&A's limiter answers 429 with its plain-text message", async () => {
    const app = instance(naiveApiLimiter({ limit: 1 }));
    await request(app).get('/ip');
    const res = await request(app).get('/ip');
    expect([res.status, res.text]).toEqual([429, 'Too many requests, please try again later']);
  });
});
