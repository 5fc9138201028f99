import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../correlation/logger.js';
import { startStubUserService } from '../test/stub-server.js';
import { createGateway } from './gateway.js';

const prefix = redisPrefix('microservices');
let redis: Redis;
let stub: Awaited<ReturnType<typeof startStubUserService>>;

beforeAll(async () => {
  redis = new Redis(testServices().redisUrl);
  stub = await startStubUserService();
});
afterAll(async () => {
  await stub?.close();
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

const agents: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of agents) await close();
});

function gateway(limit = 100, timeoutMs = 3000) {
  const { app, close } = createGateway({
    routes: {
      '/api/users': { service: 'user-service', base: async () => stub.url, path: '/users/' },
      '/api/billing': { service: 'billing-service', base: async () => 'http://127.0.0.1:1', path: '/' },
    },
    apiKeys: new Map([
      ['key-a', 'client-a'],
      ['key-b', 'client-b'],
    ]),
    redis,
    redisPrefix: `${prefix}${limit}:`,
    rateLimit: { limit, windowMs: 3_600_000 }, // a window that cannot roll over mid-test
    timeoutMs,
    log: createLogger('gateway', () => {}),
  });
  agents.push(close);
  return app;
}

describe('API gateway', () => {
  it('limits each client to its budget, shared through Redis, and says when to retry', async () => {
    const app = gateway(3);
    stub.setMode('up');
    const statuses = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await request(app).get('/api/users/1').set('authorization', 'Bearer key-a')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await request(gateway(3)).get('/api/users/1').set('authorization', 'Bearer key-a'); // a second gateway instance
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(app).get('/api/users/1').set('authorization', 'Bearer key-b')).status).toBe(200);
  });

  it('an unreachable service is a 502, a hung one a 504: never a 500 or a hung client', async () => {
    expect((await request(gateway()).get('/api/billing/1').set('authorization', 'Bearer key-a')).status).toBe(502);
    stub.setMode('hang');
    const hung = await request(gateway(100, 200)).get('/api/users/1').set('authorization', 'Bearer key-a');
    expect(hung.status).toBe(504);
    stub.setMode('up');
  });

  it('routes only under a service prefix: no path escapes it, unknown routes are 404', async () => {
    const app = gateway();
    expect((await request(app).get('/api/users/%2e%2e/admin').set('authorization', 'Bearer key-a')).status).toBe(404);
    expect((await request(app).get('/api/nothing').set('authorization', 'Bearer key-a')).status).toBe(404);
  });
});
