import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { User } from '../users/user.js';
import { renameUser } from './caching.js';
import { naiveUserCache } from './naive-user-cache.js';
import { UserCache } from './user-cache.js';
import { createUsersTable, findUser } from './users-table.js';

export const cachingDemo = recipe({
  services: ['postgres', 'redis'],
  title: 'database queries behind 50 concurrent reads of one user, and an update',
  lookFor: 'one query where the seed sends fifty, and one truth shared by every process.',
  async run({ urls, scratchDatabase, defer, log }) {
    const pool = new pg.Pool({ connectionString: await scratchDatabase('performance_caching'), max: 5 });
    defer(() => pool.end());
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('demo-performance');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    await createUsersTable(pool, 10);
    let queries = 0;
    const load = (id: number): Promise<User | null> => {
      queries++;
      return findUser(pool, id);
    };
    const naive = naiveUserCache(load);
    await Promise.all(Array.from({ length: 50 }, () => naive.get(1)));
    log(`node-cache (seed):       ${queries} queries`);
    queries = 0;
    const cache = new UserCache(redis, { prefix, ttlSeconds: 60, missingTtlSeconds: 5, load });
    await Promise.all(Array.from({ length: 50 }, () => cache.get(1)));
    log(`Redis + single-flight:   ${queries} query`);
    queries = 0;
    for (let i = 0; i < 10; i++) await Promise.all([naive.get(404), cache.get(404)]);
    log(`10 reads of a missing id: the seed queries every time, the negative cache ${queries - 10} time(s)`);
    const [workerA, workerB] = [naiveUserCache(load), naiveUserCache(load)];
    await Promise.all([workerA.get(2), workerB.get(2)]);
    await renameUser(pool, cache, 2, 'Renamed');
    workerA.invalidate(2);
    const [seenByA, seenByB] = [(await workerA.get(2))?.name, (await workerB.get(2))?.name];
    log(`after a rename, per-process caches: A sees "${seenByA}", B still "${seenByB}"`);
    log(`the shared Redis cache: "${(await cache.get(2))?.name}"`);
  },
});
