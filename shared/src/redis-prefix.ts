import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A key prefix no other test file uses, e.g. `test:caching:3f9a1c2e:`. Under `pnpm test` it starts
 * with the run's id, so what an interrupted file leaves can be found: `deleteRunKeys`.
 */
export function redisPrefix(label = 'test'): string {
  const run = (process.env.COOKBOOK_TEST_RUN ?? '').replace(/[^a-z0-9]/g, '');
  return `test:${label}:${run}${randomBytes(4).toString('hex')}:`;
}

/** Deletes the keys of every prefix a run's processes made (see `redisPrefix`). */
export async function deleteRunKeys(redis: Redis, run: string): Promise<number> {
  const id = run.replace(/[^a-z0-9]/g, '');
  return id === '' ? 0 : deleteMatching(redis, `test:*:${id}*`);
}

/** Deletes every key under `prefix` (SCAN, so it never blocks Redis like KEYS would). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  return deleteMatching(redis, `${prefix}*`);
}

async function deleteMatching(redis: Redis, match: string): Promise<number> {
  let deleted = 0;
  const stream = redis.scanStream({ match, count: 500 });
  for await (const keys of stream as AsyncIterable<string[]>) {
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  }
  return deleted;
}
