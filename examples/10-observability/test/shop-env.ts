import {
  deleteRabbitNames,
  deleteRedisPrefix,
  type FileDatabase,
  rabbitNames,
  redisPrefix,
  testServices,
  useTestDatabase,
} from '@cookbook/shared/testing';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';

export interface ShopEnv {
  /** The environment a shop process needs: service URLs and names no other test file uses. */
  env(): NodeJS.ProcessEnv;
  /** The shop's database, for a test that looks at (or cuts) what the services hold open there. */
  database: FileDatabase;
  exchange: string;
  queue: string;
  deadLetterQueue: string;
}

/** A database, queue names and a Redis prefix for this file's shop, all removed after its tests. */
export function useShopEnv(label: string): ShopEnv {
  const database = useTestDatabase(label);
  const names = rabbitNames(label);
  const prefix = redisPrefix(label);
  const exchange = names.exchange('orders');
  const queue = names.queue('emails');
  const deadLetterQueue = names.queue('emails.dlq');
  afterAll(async () => {
    const connection = await amqp.connect(testServices().amqpUrl);
    await deleteRabbitNames(await connection.createChannel(), names);
    await connection.close();
    const redis = new Redis(testServices().redisUrl);
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });
  return {
    database,
    exchange,
    queue,
    deadLetterQueue,
    env: () => ({
      DATABASE_URL: database.url,
      REDIS_URL: testServices().redisUrl,
      AMQP_URL: testServices().amqpUrl,
      SHOP_EXCHANGE: exchange,
      SHOP_QUEUE: queue,
      SHOP_DEAD_LETTER_QUEUE: deadLetterQueue,
      SHOP_REDIS_PREFIX: prefix,
    }),
  };
}
