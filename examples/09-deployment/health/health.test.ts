import {
  deleteRedisPrefix,
  redisPrefix,
  reservablePort,
  testServices,
  useTestDatabase,
} from '@cookbook/shared/testing';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { get } from '../test/http.js';
import { blackHole, startTestService, type TestService } from '../test/service.js';
import { healthRoutes, Lifecycle, naiveHealthRoute, postgresCheck, redisCheck } from './health.js';

const database = useTestDatabase('deployment_health');
const prefix = redisPrefix('deployment-health');
const running: TestService[] = [];

async function start(env: NodeJS.ProcessEnv = {}): Promise<TestService> {
  const service = await startTestService({
    DATABASE_URL: database.url,
    REDIS_URL: testServices().redisUrl,
    REDIS_KEY_PREFIX: prefix,
    HEALTH_CHECK_TIMEOUT_MS: '500',
    ...env,
  });
  running.push(service);
  return service;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});

afterAll(async () => {
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('/health/live and /health/ready', () => {
  it('are both 200 when Postgres and Redis answer, and ready says what it checked', async () => {
    const { url } = await start();
    const live = await get(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('Redis unreachable: ready is 503 naming the redis check, live stays 200', async () => {
    const { url } = await start({ REDIS_URL: `redis://127.0.0.1:${await reservablePort()}` });
    const ready = await get(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'not_ready', checks: { postgres: 'ok', redis: 'failed' } });
    expect((await get(`${url}/health/live`)).status).toBe(200);
  });

  it('the naive single endpoint (the Q&A) under the same outage: 503 naming nothing, so a liveness probe restarts a healthy process', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const redis = new Redis(`redis://127.0.0.1:${await reservablePort()}`, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    try {
      const reply = await request(express().use(naiveHealthRoute(pool, redis))).get('/health');
      expect(reply.status).toBe(503);
      expect(reply.body.status).toBe('unhealthy');
      expect(reply.body).not.toHaveProperty('checks');
    } finally {
      redis.disconnect();
      await pool.end();
    }
  });

  it('during shutdown ready turns 503 first, while the server still accepts connections', async () => {
    const service = await start({ DRAIN_DELAY_MS: '1500' });
    const exitCode = service.stop();
    const ready = await get(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting_down' });
    expect((await get(`${service.url}/health/live`)).status).toBe(200);
    expect(await exitCode).toBe(0);
    running.splice(0);
  });
});

describe('a dependency that hangs', () => {
  it('fails the timed check at once, while the naive endpoint (the Q&A) hangs with it', async () => {
    const hole = await blackHole();
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const redis = new Redis(hole.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    const timeoutMs = 200;
    try {
      const checks = { postgres: postgresCheck(pool), redis: redisCheck(redis) };
      const warnings: object[] = [];
      const log = { warn: (_message: string, fields?: object) => warnings.push(fields ?? {}) };
      const app = express().use(healthRoutes({ checks, timeoutMs, lifecycle: new Lifecycle(), log }));
      const naive = express().use(naiveHealthRoute(pool, redis));
      let naiveAnswered = false;
      const naiveReply = request(naive)
        .get('/health')
        .timeout(timeoutMs * 10)
        .then(
          () => (naiveAnswered = true),
          () => 'gave up',
        );
      const ready = await request(app).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ postgres: 'ok', redis: 'failed' });
      expect(warnings).toMatchObject([{ failed: { redis: { error: `timed out after ${timeoutMs} ms` } } }]);
      expect(naiveAnswered).toBe(false);
      // Ten check timeouts later the naive endpoint still has no answer: a probe would time out on it.
      expect(await naiveReply).toBe('gave up');
    } finally {
      redis.disconnect();
      await pool.end();
      await hole.close();
    }
  });
});
