import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { pickInstance } from './registry.js';
import { useRedisRegistry } from './test/redis-registry.js';

const { registry } = useRedisRegistry('microservices');

const instance = (id: string) => ({ service: 'user-service', id, url: `http://10.0.0.${id}:3001` });

describe('Redis service registry', () => {
  it('a live instance is found; one that stops heartbeating is gone once its TTL passes', async () => {
    const a = await registry.register(instance('1'), { ttlMs: 5_000 });
    const b = await registry.register(instance('2'), { ttlMs: 600 });
    expect((await registry.lookup('user-service')).map((i) => i.id).sort()).toEqual(['1', '2']);

    b.stopHeartbeat(); // as if instance 2 crashed: no deregistration
    const [last] = (await registry.lookup('user-service')).filter((i) => i.id === '2');
    // Wait on Redis's own clock until the last heartbeat's TTL has run out.
    await waitUntil(async () => (await registry.now()) > (last?.expiresAt ?? 0), "instance 2's TTL to pass", 5_000);
    const after = await registry.lookup('user-service');
    expect(after.map((i) => i.id)).toEqual(['1']); // instance 1 kept beating
    await a.deregister();
  });

  it('an instance whose own health check fails stops renewing and drops out', async () => {
    let healthy = true;
    const registration = await registry.register(instance('3'), { ttlMs: 300, healthCheck: async () => healthy });
    expect((await registry.lookup('user-service')).map((i) => i.id)).toContain('3');
    healthy = false;
    await waitUntil(
      async () => !(await registry.lookup('user-service')).some((i) => i.id === '3'),
      'it to drop out',
      5_000,
    );
    healthy = true; // it recovers: the next heartbeat brings it back
    await waitUntil(
      async () => (await registry.lookup('user-service')).some((i) => i.id === '3'),
      'it to return',
      5_000,
    );
    await registration.deregister();
    expect(await registry.lookup('user-service')).toEqual([]);
  });

  it('pickInstance names the service when none is healthy', async () => {
    await expect(pickInstance(registry, 'billing-service')).rejects.toThrow('no healthy instance of billing-service');
  });
});
