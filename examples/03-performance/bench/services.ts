// Scratch services for the benches that need data: a throwaway database and Redis prefix.
import { createScratchDatabase, deleteRedisPrefix, redisPrefix, resolveServices } from '@cookbook/shared';
import { Redis } from 'ioredis';

export interface BenchServices {
  databaseUrl: string;
  redis: Redis;
  redisPrefix: string;
}

export async function withBenchServices<T>(work: (services: BenchServices) => Promise<T>): Promise<T> {
  const resolved = await resolveServices(['postgres', 'redis']);
  const database = await createScratchDatabase(resolved.databaseUrl, 'bench_performance');
  const redis = new Redis(resolved.redisUrl);
  const prefix = redisPrefix('bench-performance');
  try {
    return await work({ databaseUrl: database.url, redis, redisPrefix: prefix });
  } finally {
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
    await database.drop();
    await resolved.stop();
  }
}
