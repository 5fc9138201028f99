import type { Redis } from 'ioredis';

export class NonDurableRedisError extends Error {
  override readonly name = 'NonDurableRedisError';
}

// #region durable
/**
 * Refuses to run a queue on a Redis that would lose its jobs in a restart. Bull and BullMQ keep jobs
 * only in Redis: without the append-only file a crash drops every one of them, and all that reports
 * it is a worker's "Missing key for job" error. Call it at startup. (Where a managed Redis disables
 * CONFIG, this rejects with Redis' own error: check the provider's persistence setting instead.)
 */
export async function assertDurableRedis(redis: Redis): Promise<void> {
  const [, appendonly] = (await redis.config('GET', 'appendonly')) as [string, string];
  if (appendonly !== 'yes') {
    throw new NonDurableRedisError(
      'Redis runs with appendonly no, so a restart loses every queued job: start it with --appendonly yes ' +
        '(appendfsync everysec, or always to lose nothing), or use a managed Redis with AOF persistence.',
    );
  }
}
// #endregion durable
