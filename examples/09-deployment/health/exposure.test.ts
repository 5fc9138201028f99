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
import { startTestService, type TestService } from '../test/service.js';
import { naiveHealthRoute } from './health.js';

const database = useTestDatabase('deployment_exposure');
const prefix = redisPrefix('deployment-exposure');
const running: TestService[] = [];
const ROLE = 'intruder_role';

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop()));
});
afterAll(async () => {
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

/** The test database's URL as a role that does not exist: Postgres names the role in its error. */
function unknownRoleUrl(): string {
  const url = new URL(database.url);
  url.username = ROLE;
  return url.toString();
}

async function start(env: NodeJS.ProcessEnv): Promise<TestService> {
  const service = await startTestService({ REDIS_KEY_PREFIX: prefix, HEALTH_CHECK_TIMEOUT_MS: '1000', ...env });
  running.push(service);
  return service;
}

describe('/health/ready tells a prober names and states, the log the details', () => {
  it('Redis unreachable: no address or port in the body; the error is in the log', async () => {
    const port = await reservablePort();
    const service = await start({ DATABASE_URL: database.url, REDIS_URL: `redis://127.0.0.1:${port}` });
    const ready = await get(`${service.url}/health/ready`);
    expect(JSON.parse(ready.body)).toEqual({ status: 'not_ready', checks: { postgres: 'ok', redis: 'failed' } });
    expect(ready.body).not.toContain(String(port));
    const logged = service.log.entries.find((e) => e.message === 'not ready');
    expect(logged).toMatchObject({ failed: { redis: { status: 'failed' } } });
  });

  it('Postgres refuses the role: no role name in the body; it is in the log', async () => {
    const service = await start({ DATABASE_URL: unknownRoleUrl(), REDIS_URL: testServices().redisUrl });
    const ready = await get(`${service.url}/health/ready`);
    expect(JSON.parse(ready.body)).toEqual({ status: 'not_ready', checks: { postgres: 'failed', redis: 'ok' } });
    expect(ready.body).not.toContain(ROLE);
    expect(service.log.raw).toContain(ROLE);
  });

  it('the naive endpoint (the Q&A) hands the raw error, role name and all, to whoever asks', async () => {
    const pool = new pg.Pool({ connectionString: unknownRoleUrl(), max: 1 });
    const redis = new Redis(testServices().redisUrl);
    try {
      const reply = await request(express().use(naiveHealthRoute(pool, redis))).get('/health');
      expect(reply.status).toBe(503);
      expect(reply.body.error).toContain(ROLE);
    } finally {
      redis.disconnect();
      await pool.end();
    }
  });
});
