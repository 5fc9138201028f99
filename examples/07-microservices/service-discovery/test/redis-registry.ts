import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisRegistry } from '../registry.js';

/**
 * A registry on the test Redis under a key prefix of the calling file's own, deleted after its
 * tests. The client connects on its first command, so the file can use both from its top level.
 */
export function useRedisRegistry(label: string): { prefix: string; redis: Redis; registry: RedisRegistry } {
  const prefix = redisPrefix(label);
  const redis = new Redis(testServices().redisUrl, { lazyConnect: true });
  afterAll(async () => {
    await deleteRedisPrefix(redis, prefix);
    redis.disconnect();
  });
  return { prefix, redis, registry: new RedisRegistry(redis, prefix) };
}
