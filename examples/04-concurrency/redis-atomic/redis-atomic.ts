import type { Redis } from 'ioredis';

// #region counter
/** Read, add one in JS, write back: two clients that read the same value both write value + 1. */
export async function naiveIncrement(redis: Redis, key: string): Promise<number> {
  const value = Number((await redis.get(key)) ?? 0);
  await redis.set(key, String(value + 1));
  return value + 1;
}

/** INCR runs inside Redis, which executes one command at a time: no increment is ever lost. */
export function atomicIncrement(redis: Redis, key: string): Promise<number> {
  return redis.incr(key);
}
// #endregion counter
