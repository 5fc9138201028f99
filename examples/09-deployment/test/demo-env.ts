import { type DemoContext, deleteRedisPrefix, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';

/**
 * What an in-process service needs in a demo: the resolved services and a Redis key prefix of its
 * own, whose keys are deleted when the demo ends (however it ends).
 */
export function demoEnv({ urls, defer }: DemoContext<'postgres' | 'redis'>): NodeJS.ProcessEnv {
  const prefix = redisPrefix('deployment-demo');
  defer(async () => {
    const redis = new Redis(urls.redisUrl);
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });
  return {
    DATABASE_URL: urls.databaseUrl,
    REDIS_URL: urls.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    HEALTH_CHECK_TIMEOUT_MS: '500',
    DB_POOL_MAX: '5',
  };
}

/** Prints a request and its answer the way a reader would see them with curl. */
export async function show(log: (line: string) => void, url: string): Promise<number> {
  const response = await fetch(url);
  log(`GET ${new URL(url).pathname} -> ${response.status} ${await response.text()}`);
  return response.status;
}
