import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import {
  closeServer,
  createScratchDatabase,
  deleteRedisPrefix,
  heading,
  isMain,
  isSmoke,
  listen,
  onShutdown,
  portFromEnv,
  resolveServices,
} from '@cookbook/shared';
import { Redis } from 'ioredis';
import type { DemoContext } from './demo/context.js';
import { dbTransactionDemo, optimisticLockingDemo, type Serve } from './demo/database.js';
import { mutexDemo, redisAtomicDemo, redisLockDemo, redisLuaDemo } from './demo/in-memory-and-redis.js';
import { queueDemo } from './demo/queues.js';

type Demo = (context: DemoContext, serve: Serve) => Promise<void>;

const RECIPES: Record<string, Demo> = {
  mutex: mutexDemo,
  'redis-atomic': redisAtomicDemo,
  'redis-lua': redisLuaDemo,
  'redis-lock': redisLockDemo,
  'db-transaction': dbTransactionDemo,
  'optimistic-locking': optimisticLockingDemo,
  queue: queueDemo,
};

/**
 * In the tour and in smoke mode a server answers its own requests and closes; alone, it stays up
 * until Ctrl-C. `cleanedUp` settles after main's own cleanup, so the exit that onShutdown makes
 * waits for the demo database and keys to be removed.
 */
function serveFor(holdOpen: boolean, cleanedUp: Promise<void>): Serve {
  return {
    listen: (server) => listen(server, holdOpen ? portFromEnv(3000) : 0),
    hold: (server: Server, tryIt: string) => {
      if (!holdOpen) return closeServer(server);
      console.log(`Serving until Ctrl-C. Try: ${tryIt}`);
      return new Promise<void>((resolve) => {
        onShutdown(async () => {
          await closeServer(server);
          resolve();
          await cleanedUp;
        });
      });
    },
  };
}

export async function main(recipe?: string): Promise<number> {
  const chosen = recipe === undefined ? Object.keys(RECIPES) : [recipe];
  if (recipe !== undefined && !RECIPES[recipe]) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  const services = await resolveServices(['postgres', 'redis']);
  // The demos get their own database and key prefix, removed at the end: nothing is left behind.
  const database = await createScratchDatabase(services.databaseUrl as string, 'concurrency-demo');
  const redis = new Redis(services.redisUrl as string);
  const prefix = `demo:concurrency:${randomBytes(4).toString('hex')}:`;
  const context: DemoContext = {
    redis,
    redisUrl: services.redisUrl as string,
    databaseUrl: database.url,
    prefix,
    smoke: isSmoke(),
    heading,
  };
  let cleanupDone: () => void = () => {};
  const cleanedUp = new Promise<void>((resolve) => {
    cleanupDone = resolve;
  });
  try {
    const serve = serveFor(recipe !== undefined && !isSmoke(), cleanedUp);
    for (const name of chosen) await RECIPES[name]?.(context, serve);
    return 0;
  } finally {
    try {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
      await database.drop();
      await services.stop();
    } finally {
      cleanupDone();
    }
  }
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
