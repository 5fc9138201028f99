// Guided demos for the recipes that need Postgres and Redis; main.ts passes in the services.
import type { Redis } from 'ioredis';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { down, up } from './blog-migration.js';
import { seedBlog } from './blog-seed.js';
import { renameUser } from './caching.js';
import type { Tour } from './demo-cpu.js';
import { naiveUsersWithPosts, usersWithPosts, usersWithPostsSeparate } from './n-plus-one.js';
import { naiveUserCache } from './naive-user-cache.js';
import { createPool, queryWithNewClient, withClient } from './pooling.js';
import { UserCache } from './user-cache.js';
import { createUsersTable, findUser, type User } from './users.js';

export interface DataTour extends Tour {
  databaseUrl: string;
  redis: Redis;
  redisPrefix: string;
}

const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;

export async function cachingDemo(tour: DataTour): Promise<void> {
  tour.heading('caching: database queries behind 50 concurrent reads of one user, and an update');
  const pool = createPool(tour.databaseUrl, 5);
  try {
    await createUsersTable(pool, 10);
    let queries = 0;
    const load = (id: number): Promise<User | null> => {
      queries++;
      return findUser(pool, id);
    };
    const naive = naiveUserCache(load);
    await Promise.all(Array.from({ length: 50 }, () => naive.get(1)));
    console.log(`node-cache (seed):       ${queries} queries`);
    queries = 0;
    const cache = new UserCache(tour.redis, { prefix: tour.redisPrefix, ttlSeconds: 60, missingTtlSeconds: 5, load });
    await Promise.all(Array.from({ length: 50 }, () => cache.get(1)));
    console.log(`Redis + single-flight:   ${queries} query`);
    queries = 0;
    for (let i = 0; i < 10; i++) await Promise.all([naive.get(404), cache.get(404)]);
    console.log(`10 reads of a missing id: the seed queries every time, the negative cache ${queries - 10} time(s)`);
    const [workerA, workerB] = [naiveUserCache(load), naiveUserCache(load)];
    await Promise.all([workerA.get(2), workerB.get(2)]);
    await renameUser(pool, cache, 2, 'Renamed');
    workerA.invalidate(2);
    console.log(
      `after a rename, per-process caches: A sees "${(await workerA.get(2))?.name}", B still "${(await workerB.get(2))?.name}"`,
    );
    console.log(`the shared Redis cache: "${(await cache.get(2))?.name}"`);
  } finally {
    await pool.end();
  }
  console.log('Look for: one query where the seed sends fifty, and one truth shared by every process.');
}

export async function nPlusOneDemo(tour: DataTour): Promise<void> {
  tour.heading('n-plus-one: 100 users with 20 posts each, three ways');
  let queries = 0;
  const sequelize = new Sequelize(tour.databaseUrl, { logging: () => queries++, pool: { max: 3 } });
  try {
    await seedBlog(sequelize, 100, 20);
    for (const [name, load] of [
      ['loop (seed)', naiveUsersWithPosts],
      ['include', usersWithPosts],
      ['include separate', usersWithPostsSeparate],
    ] as const) {
      queries = 0;
      const started = performance.now();
      await load();
      console.log(`${name.padEnd(17)} ${String(queries).padStart(3)} queries ${ms(performance.now() - started)}`);
    }
    const plan = async () => {
      const [rows] = await sequelize.query(`EXPLAIN SELECT * FROM posts WHERE "userId" = 42 ORDER BY "createdAt" DESC`);
      const lines = (rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']);
      const scan = lines.find((line) => /Index/.test(line)) ?? lines.find((line) => /Scan/.test(line));
      return scan?.replace(/^[\s>-]+/, '');
    };
    console.log(`plan before the migration: ${await plan()}`);
    await up(sequelize.getQueryInterface());
    await sequelize.query('ANALYZE posts');
    console.log(`plan after the migration:  ${await plan()}`);
    await down(sequelize.getQueryInterface());
  } finally {
    await sequelize.close();
  }
  console.log('Look for: 101 queries become 1 (or 2), and the scan becomes an index scan.');
}

export async function poolingDemo(tour: DataTour): Promise<void> {
  const count = tour.smoke ? 20 : 200;
  tour.heading(`pooling: ${count} sequential queries, a new client each vs a pool`);
  let started = performance.now();
  for (let i = 0; i < count; i++) await queryWithNewClient(tour.databaseUrl, 'SELECT 1');
  console.log(`new Client per query ${ms(performance.now() - started)}`);
  const pool = createPool(tour.databaseUrl, 5);
  try {
    started = performance.now();
    for (let i = 0; i < count; i++) await pool.query('SELECT 1');
    console.log(`pg.Pool              ${ms(performance.now() - started)}`);
    const tiny = new pg.Pool({ connectionString: tour.databaseUrl, max: 1, connectionTimeoutMillis: 200 });
    const held = await tiny.connect();
    const error = await withClient(tiny, (client) => client.query('SELECT 1')).catch((e: unknown) => e);
    console.log(`exhausted pool: ${error instanceof Error ? `${error.name}: ${error.message}` : 'no error?'}`);
    held.release();
    await tiny.end();
  } finally {
    await pool.end();
  }
  console.log('Look for: the pool is tens of times faster, and exhaustion is an error, not a hang.');
}
