import { Redis } from 'ioredis';
import { demoId, elapsed, waitFor } from './demo-util.js';
import { RedisRegistry } from './registry.js';

export async function serviceDiscoveryDemo(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const registry = new RedisRegistry(redis, `${demoId()}:`);
  try {
    const a = await registry.register(
      { service: 'user-service', id: 'a', url: 'http://10.0.0.1:3001' },
      { ttlMs: 5_000 },
    );
    const b = await registry.register(
      { service: 'user-service', id: 'b', url: 'http://10.0.0.2:3001' },
      { ttlMs: 600 },
    );
    const show = async (when: string) =>
      console.log(
        `${when}: ${(await registry.lookup('user-service')).map((i) => `${i.id} ${i.url}`).join(', ') || 'none'}`,
      );
    await show('both heartbeating');
    b.stopHeartbeat();
    const start = performance.now();
    await waitFor(async () => !(await registry.lookup('user-service')).some((i) => i.id === 'b'), 'b to expire');
    await show(`b stopped heartbeating, gone ${elapsed(start)} later (TTL 600 ms)`);
    await a.deregister();
    await show('a deregistered on shutdown');
    console.log('Look for: a crashed instance leaves lookups on its own, within its TTL.');
  } finally {
    redis.disconnect();
  }
}
