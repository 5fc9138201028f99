import { type OwnRedis, startOwnRedis } from '@cookbook/shared/testing';
import express, { type RequestHandler } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorHandler } from '../errors/errors.js';
import { apiLimiter, loginLimiter, redisRateLimitStore } from './rate-limit.js';

let own: OwnRedis;
let redis: Redis;
const logged: unknown[] = [];

beforeAll(async () => {
  own = await startOwnRedis();
  // Bounded as api/server.ts bounds it: a command Redis does not answer fails after 300 ms.
  redis = new Redis(own.url, { commandTimeout: 300, maxRetriesPerRequest: 0 });
  await redis.ping(); // connected before the stores load their scripts
});

afterAll(async () => {
  own.resume();
  redis.disconnect();
  await own.stop();
});

/** An app behind `limiter` that counts the requests the limiter let through. */
function guarded(limiter: RequestHandler) {
  const app = express();
  const passed = { count: 0 };
  app.use(limiter);
  app.post('/login', (_req, res) => {
    passed.count += 1;
    res.status(401).json({ error: 'invalid email or password' });
  });
  app.use(errorHandler((error) => logged.push(error)));
  return { app, passed };
}

/** How many SCRIPT LOADs Redis has run; asked on the stores' own connection, so after all they sent. */
async function scriptLoads(): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/^cmdstat_script\|load:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

describe('rate-limit: a store that does not answer fails closed', () => {
  it.each([
    ['login', loginLimiter],
    ['api', apiLimiter],
  ])('%s limiter: 503 with Retry-After while Redis is paused, and nothing reaches the route', async (name, limiter) => {
    const { app, passed } = guarded(limiter({ limit: 10, store: redisRateLimitStore(redis, `outage:${name}:`) }));
    expect((await request(app).post('/login')).status).toBe(401);
    own.pause();
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const res = await request(app).post('/login');
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body).toEqual({ error: 'service unavailable, try again later', retryAfter: 5 });
      }
    } finally {
      own.resume();
    }
    // Only the request before the pause was let through: a password guesser gets nothing while Redis is away.
    expect(passed.count).toBe(1);
    expect(logged.splice(0).map((error) => (error as Error).name)).toEqual(Array(3).fill('DependencyUnavailableError'));
    expect((await request(app).post('/login')).status).toBe(401);
  });

  it('Redis away while the store loads its scripts: the limiter recovers once Redis is back, reloading them once', async () => {
    // express-rate-limit logs the failed load there; keep it off the test output.
    const initErrors = vi.spyOn(console, 'error').mockImplementation(() => {});
    own.pause();
    let guard: ReturnType<typeof guarded>;
    try {
      guard = guarded(loginLimiter({ limit: 10, store: redisRateLimitStore(redis, 'outage:startup:') }));
      // The hit waits on the scripts' load, which times out: that load has failed for good.
      expect((await request(guard.app).post('/login')).status).toBe(503);
    } finally {
      own.resume();
    }
    const loads = await scriptLoads();
    for (let attempt = 0; attempt < 3; attempt++) expect((await request(guard.app).post('/login')).status).toBe(401);
    expect(guard.passed.count).toBe(3);
    // One reload (the increment and the get script), not one per hit.
    expect((await scriptLoads()) - loads).toBe(2);
    expect(initErrors).toHaveBeenCalledTimes(1);
    initErrors.mockRestore();
  });

  it("Redis' own answers are not outages: after SCRIPT FLUSH (a restart) the hit reloads the script and passes", async () => {
    const { app, passed } = guarded(loginLimiter({ limit: 10, store: redisRateLimitStore(redis, 'outage:flush:') }));
    expect((await request(app).post('/login')).status).toBe(401);
    await redis.call('SCRIPT', 'FLUSH');
    // NOSCRIPT is a Redis error reply: rate-limit-redis reloads on it, so it must reach the store unchanged.
    expect((await request(app).post('/login')).status).toBe(401);
    expect(passed.count).toBe(2);
  });
});
