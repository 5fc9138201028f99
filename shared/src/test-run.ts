import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { takeRunNames } from './rabbit-names.js';
import { deleteRunKeys } from './redis-prefix.js';
import { dropRunDatabases } from './scratch-database.js';

/**
 * What `pnpm test` removes once its packages have exited, Ctrl-C included (which can stop vitest
 * before a file's own cleanup or the global teardown): the databases, Redis keys, queues and
 * exchanges its tests made. `scripts/test/interrupt-cleanup.test.ts` counts what is left.
 */
export async function cleanupTestRun(
  urls: { databaseUrl?: string | undefined; redisUrl?: string | undefined; amqpUrl?: string | undefined },
  run: string,
): Promise<{ databases: string[]; keys: number; queues: number }> {
  const databases = urls.databaseUrl ? await dropRunDatabases(urls.databaseUrl, run).catch((): string[] => []) : [];
  let keys = 0;
  if (urls.redisUrl) {
    const redis = new Redis(urls.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      keys = await deleteRunKeys(redis, run);
    } catch {
      // Redis gone: nothing of the run can be left there that a restart keeps (--save "").
    } finally {
      redis.disconnect();
    }
  }
  const { queues, exchanges } = takeRunNames(run);
  if (urls.amqpUrl && queues.length + exchanges.length > 0) {
    const connection = await amqp.connect(urls.amqpUrl).catch(() => undefined);
    if (connection) {
      connection.on('error', () => {});
      const channel = await connection.createChannel();
      // Deleting a queue or exchange that is not there succeeds, so names of finished files are fine.
      for (const queue of queues) await channel.deleteQueue(queue);
      for (const exchange of exchanges) await channel.deleteExchange(exchange);
      await connection.close();
    }
  }
  return { databases, keys, queues: urls.amqpUrl ? queues.length : 0 };
}
