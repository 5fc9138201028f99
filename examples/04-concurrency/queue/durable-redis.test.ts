import { type OwnRedis, startOwnRedis } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { assertDurableRedis, NonDurableRedisError } from './durable-redis.js';

// Redis servers of this file's own, one with the append-only file and one without.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function clientOf(appendonly: boolean): Promise<Redis> {
  const server: OwnRedis = await startOwnRedis({ appendonly });
  cleanups.push(() => server.stop());
  const redis = new Redis(server.url);
  cleanups.push(async () => void (await redis.quit()));
  return redis;
}

describe('assertDurableRedis', () => {
  it('refuses a Redis without appendonly and accepts one with it', async () => {
    for (const [appendonly, verdict] of [
      [false, 'refused'],
      [true, 'accepted'],
    ] as const) {
      const outcome = await assertDurableRedis(await clientOf(appendonly)).then(
        () => 'accepted',
        (error: unknown) => (error instanceof NonDurableRedisError ? 'refused' : String(error)),
      );
      expect(outcome).toBe(verdict);
    }
  });

  it('says, in the startup log, what is wrong and how to fix it', async () => {
    const refusal = await assertDurableRedis(await clientOf(false)).catch((error: unknown) => error);
    expect(String(refusal)).toMatch(/^NonDurableRedisError: Redis runs with appendonly no/);
    expect(String(refusal)).toMatch(/start it with --appendonly yes \(appendfsync everysec/);
  });
});
