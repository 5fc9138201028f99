// Reading one user: straight from Postgres, through the Redis cache (a hit), and from an
// in-process LRU in front of it (what a per-process L1 buys, with the staleness it brings).
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { LRUCache } from 'lru-cache';
import { Bench } from 'tinybench';
import { UserCache } from '../caching/user-cache.js';
import { createUsersTable, findUser } from '../caching/users-table.js';
import { createPool } from '../pooling/pooling.js';
import type { User } from '../users/user.js';
import { withBenchServices } from './services.js';
import { meanMs, opsPerSecond } from './stats.js';

await withBenchServices(async ({ databaseUrl, redis, redisPrefix }) => {
  const pool = createPool(databaseUrl, 4);
  try {
    await createUsersTable(pool, 1000);
    const cache = new UserCache(redis, {
      prefix: redisPrefix,
      ttlSeconds: 60,
      missingTtlSeconds: 5,
      load: (id) => findUser(pool, id),
    });
    const local = new LRUCache<number, User>({ max: 1000, ttl: 5_000 });
    const ids = Array.from({ length: 100 }, (_, i) => i + 1);
    for (const id of ids) await cache.get(id); // warm: every read below is a hit
    let next = 0;
    const id = () => ids[next++ % ids.length] ?? 1;
    const bench = new Bench({ time: 1500, warmup: true });
    bench
      .add('Postgres (SELECT by primary key)', () => findUser(pool, id()))
      .add('Redis cache hit', () => cache.get(id()))
      .add('in-process LRU hit', () => {
        const key = id();
        return local.get(key) ?? cache.get(key).then((user) => user && local.set(key, user));
      });
    await bench.run();
    const names = bench.tasks.map((task) => task.name);
    const database = opsPerSecond(bench, names[0] ?? '');
    reportBench(
      'caching',
      markdownTable(
        ['read one user', 'reads/s (sequential)', 'mean latency (µs)', 'vs Postgres'],
        names.map((name) => [
          name,
          Math.round(opsPerSecond(bench, name)),
          meanMs(bench, name) * 1000,
          ratio(opsPerSecond(bench, name), database),
        ]),
        2,
      ),
    );
  } finally {
    await pool.end();
  }
});
