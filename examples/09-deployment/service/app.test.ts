import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { CapturedLog } from '../test/captured-log.js';
import { get } from '../test/http.js';
import { type Service, startService } from './service.js';

const database = useTestDatabase('deployment_app');
const prefix = redisPrefix('deployment-app');
let service: Service;
let stopped: Promise<number>;

beforeAll(async () => {
  let exited: (code: number) => void = () => {};
  stopped = new Promise((resolve) => {
    exited = resolve;
  });
  const env = { NODE_ENV: 'test', PORT: '0', DATABASE_URL: database.url, REDIS_URL: testServices().redisUrl };
  // Wired exactly as service/start.ts wires it: no demo routes.
  service = await startService(loadConfig({ ...env, REDIS_KEY_PREFIX: prefix }), {
    logStream: new CapturedLog(),
    exit: (code) => exited(code),
  });
});
afterAll(async () => {
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('the production app', () => {
  it.each(['/health/live', '/api/time', '/api/nothing-here'])('sends helmet security headers on %s', async (path) => {
    const { headers } = await get(`${service.url}${path}`);
    expect(headers).toMatchObject({
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'strict-transport-security': expect.stringContaining('max-age='),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(headers).not.toHaveProperty('x-powered-by');
    // No ETag: a hash of every body, for a 304 that no caller of a live answer can use.
    expect(headers).not.toHaveProperty('etag');
  });

  it('does not mount the demo routes: /api/work and /api/slow-query are a JSON 404', async () => {
    for (const path of ['/api/work?ms=1', '/api/slow-query?ms=1']) {
      const reply = await get(`${service.url}${path}`);
      expect(reply.status).toBe(404);
      expect(JSON.parse(reply.body)).toEqual({ error: 'not_found' });
    }
    expect((await get(`${service.url}/api/time`)).status).toBe(200);
  });
});

describe('the production server', () => {
  it('keeps idle keep-alive sockets longer than a load balancer does (60 s on common ones)', () => {
    expect(service.server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(service.server.headersTimeout).toBeGreaterThan(service.server.keepAliveTimeout);
  });

  it('closes its pools and Redis before it exits 0', async () => {
    void service.shutdown('SIGTERM');
    expect(await stopped).toBe(0);
    const { pool, readinessPool, redis } = service.clients;
    expect([pool.ended, readinessPool.ended, pool.totalCount]).toEqual([true, true, 0]);
    // quit() was answered; the socket closes a moment later.
    await waitUntil(() => redis.status === 'end', 'the Redis connection to end', 2_000);
  });
});
