import { describe, expect, it } from 'vitest';
import { startStubUserService } from '../test/stub-server.js';
import { pickInstance, readinessOf } from './registry.js';
import { useRedisRegistry } from './test/redis-registry.js';

const { prefix, redis, registry } = useRedisRegistry('microservices-registry-clock');

/** Redis's clock in ms, read the way a test can trust: seconds and microseconds of TIME. */
async function redisMs(): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

const instance = (service: string, id: string) => ({ service, id, url: `http://10.0.1.${id}:3001` });

describe('the registry on Redis time', () => {
  it('now() is Redis TIME in milliseconds; a registration expires its TTL after it', async () => {
    const before = await redisMs();
    const now = await registry.now();
    const registration = await registry.register(instance('clock', '1'), { ttlMs: 10_000 });
    const after = await redisMs();
    expect(now).toBeGreaterThanOrEqual(Math.floor(before));
    expect(now).toBeLessThanOrEqual(after);
    const [found] = await registry.lookup('clock');
    expect(found).toEqual({ ...instance('clock', '1'), expiresAt: expect.any(Number) });
    expect(found?.expiresAt).toBeGreaterThanOrEqual(Math.floor(before) + 10_000);
    expect(found?.expiresAt).toBeLessThanOrEqual(after + 10_000);
    await registration.deregister();
    expect(await registry.lookup('clock')).toEqual([]); // at once, not after the TTL
  });

  it('a healthy instance is renewed often enough that it is never missing, over several TTLs', async () => {
    const registration = await registry.register(instance('steady', '1'), { ttlMs: 300 });
    const until = (await redisMs()) + 1_500;
    let lookups = 0;
    try {
      while ((await redisMs()) < until) {
        expect((await registry.lookup('steady')).map((i) => i.id)).toEqual(['1']);
        lookups += 1;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      registration.stopHeartbeat();
    }
    expect(lookups).toBeGreaterThan(5);
  });

  it('a health check that throws counts as unhealthy: the instance is never registered', async () => {
    const registration = await registry.register(instance('throws', '1'), {
      ttlMs: 300,
      healthCheck: async () => {
        throw new Error('probe crashed');
      },
    });
    expect(await registry.lookup('throws')).toEqual([]);
    registration.stopHeartbeat();
  });

  it('a lookup prunes the expired members it skips', async () => {
    const key = `${prefix}services:pruned`;
    await redis.zadd(key, (await registry.now()) - 1, JSON.stringify(instance('pruned', '9')));
    expect(await registry.lookup('pruned')).toEqual([]);
    expect(await redis.zcard(key)).toBe(0);
  });

  it('pickInstance spreads calls over every healthy instance', async () => {
    const registrations = await Promise.all(
      ['1', '2', '3'].map((id) => registry.register(instance('spread', id), { ttlMs: 10_000 })),
    );
    const picked = new Set<string>();
    for (let i = 0; i < 100; i += 1) picked.add(await pickInstance(registry, 'spread'));
    expect([...picked].sort()).toEqual(['1', '2', '3'].map((id) => instance('spread', id).url));
    for (const registration of registrations) await registration.deregister();
  });

  it('readinessOf is true on a 200 from /health/ready, false on a 503', async () => {
    const stub = await startStubUserService();
    try {
      const ready = readinessOf(stub.url);
      expect(await ready()).toBe(true);
      stub.setMode('error');
      expect(await ready()).toBe(false);
      expect(stub.requests().map((r) => r.method)).toEqual(['GET', 'GET']);
      stub.setMode('hang');
      await expect(readinessOf(stub.url, 50)()).rejects.toThrow(/timeout|aborted/i);
    } finally {
      await stub.close();
    }
  });
});
