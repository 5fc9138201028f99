// Scratch services for the benches that need data: a throwaway database and Redis prefix.
import { randomBytes } from 'node:crypto';
import { resolveServices } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { createScratchDatabase } from '../src/demo-database.js';

export interface BenchServices {
  databaseUrl: string;
  redis: Redis;
  redisPrefix: string;
}

export async function withBenchServices<T>(work: (services: BenchServices) => Promise<T>): Promise<T> {
  const resolved = await resolveServices(['postgres', 'redis']);
  const database = await createScratchDatabase(resolved.databaseUrl ?? '');
  const redis = new Redis(resolved.redisUrl ?? '');
  const redisPrefix = `bench:performance:${randomBytes(4).toString('hex')}:`;
  try {
    return await work({ databaseUrl: database.url, redis, redisPrefix });
  } finally {
    const keys = await redis.keys(`${redisPrefix}*`); // a handful of bench keys
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database.drop();
    await resolved.stop();
  }
}
