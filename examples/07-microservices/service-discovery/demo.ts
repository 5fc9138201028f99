import { setTimeout as sleep } from 'node:timers/promises';
import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { RedisRegistry } from './registry.js';

export const serviceDiscoveryDemo = recipe({
  services: ['redis'],
  title: 'Discovery: Redis registry with TTL heartbeats',
  lookFor: 'a crashed instance leaves lookups on its own, within its TTL.',
  async run({ urls, log, defer }) {
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('discovery');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      redis.disconnect();
    });
    const registry = new RedisRegistry(redis, prefix);
    const show = async (when: string) => {
      const found = (await registry.lookup('user-service')).map((i) => `${i.id} ${i.url}`);
      log(`${when}: ${found.join(', ') || 'none'}`);
    };
    const a = await registry.register(
      { service: 'user-service', id: 'a', url: 'http://10.0.0.1:3001' },
      { ttlMs: 5_000 },
    );
    const b = await registry.register(
      { service: 'user-service', id: 'b', url: 'http://10.0.0.2:3001' },
      { ttlMs: 600 },
    );
    await show('both heartbeating');
    b.stopHeartbeat(); // as if b crashed: nobody deregisters it
    const start = performance.now();
    const last = (await registry.lookup('user-service')).find((i) => i.id === 'b');
    // Until b's last renewal expires on Redis's clock: the registry itself says how long that is.
    await sleep(Math.max(0, (last?.expiresAt ?? 0) - (await registry.now())) + 10);
    await show(`b stopped heartbeating, gone ${(performance.now() - start).toFixed(0)} ms later (TTL 600 ms)`);
    await a.deregister();
    await show('a deregistered on shutdown');
  },
});
