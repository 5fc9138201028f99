import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import type pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../users/user.js';
import { createUserApp, renameUser } from './caching.js';
import { naiveUserCache } from './naive-user-cache.js';
import { UserCache } from './user-cache.js';
import { createUsersTable, findUser, renameUserRow } from './users-table.js';

const database = useTestDatabase('caching');
const prefix = redisPrefix('performance-caching');
let pool: pg.Pool;
// Two clients stand for two cluster workers sharing one Redis.
let redisA: Redis;
let redisB: Redis;

beforeAll(async () => {
  pool = database.pool({ max: 5 }); // closed, every socket, before the database is dropped
  await createUsersTable(pool, 10);
  redisA = new Redis(testServices().redisUrl);
  redisB = new Redis(testServices().redisUrl);
});

afterAll(async () => {
  await deleteRedisPrefix(redisA, prefix);
  await Promise.all([redisA.quit(), redisB.quit()]);
});

let cacheNumber = 0;
/** A loader that counts database queries, and a cache built on it with its own key space. */
function counted(): { loads: () => number; load: (id: number) => Promise<User | null>; prefix: string } {
  let loads = 0;
  return {
    loads: () => loads,
    load: (id) => {
      loads++;
      return findUser(pool, id);
    },
    prefix: `${prefix}${++cacheNumber}:`,
  };
}

function redisCache(redis: Redis, source: ReturnType<typeof counted>): UserCache {
  return new UserCache(redis, { prefix: source.prefix, ttlSeconds: 60, missingTtlSeconds: 5, load: source.load });
}

describe('caching', () => {
  it('a hit skips the database; the entry carries the TTL', async () => {
    const source = counted();
    const cache = redisCache(redisA, source);
    for (let i = 0; i < 10; i++) expect(await cache.get(1)).toMatchObject({ id: 1, name: 'user 1' });
    expect(source.loads()).toBe(1);
    const ttl = await redisA.ttl(cache.key(1));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('❌ seed: per-process caches disagree after an update; the shared one does not', async () => {
    const naive = counted();
    const [workerA, workerB] = [naiveUserCache(naive.load), naiveUserCache(naive.load)];
    await Promise.all([workerA.get(2), workerB.get(2)]);
    await renameUserRow(pool, 2, 'renamed once');
    workerA.invalidate(2);
    expect((await workerA.get(2))?.name).toBe('renamed once');
    expect((await workerB.get(2))?.name).toBe('user 2'); // stale for up to 10 minutes

    const shared = counted();
    const [cacheA, cacheB] = [redisCache(redisA, shared), redisCache(redisB, shared)];
    await Promise.all([cacheA.get(3), cacheB.get(3)]);
    await renameUser(pool, cacheA, 3, 'renamed once');
    expect((await cacheB.get(3))?.name).toBe('renamed once');
  });

  it('❌ seed: a missing id hits the database every time; the negative cache once', async () => {
    const naive = counted();
    const naiveCache = naiveUserCache(naive.load);
    const fixed = counted();
    const cache = redisCache(redisA, fixed);
    for (let i = 0; i < 20; i++) {
      expect(await naiveCache.get(9999)).toBeNull();
      expect(await cache.get(9999)).toBeNull();
    }
    expect(naive.loads()).toBe(20);
    expect(fixed.loads()).toBe(1);
    // The negative entry lives for missingTtlSeconds (5), not a found user's 60: a user created later shows up soon.
    const ttl = await redisA.ttl(cache.key(9999));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5);
  });

  it('a read after an invalidation starts its own load instead of joining one begun before the write', async () => {
    const { promise: rowRead, resolve: readRow } = Promise.withResolvers<void>();
    const { promise: gate, resolve: release } = Promise.withResolvers<void>();
    const source = counted();
    const cache = new UserCache(redisA, {
      prefix: source.prefix,
      ttlSeconds: 60,
      missingTtlSeconds: 5,
      load: async (id) => {
        const user = await source.load(id);
        readRow(); // the row is read: a write from now on comes after this load's snapshot
        await gate;
        return user;
      },
    });
    const before = cache.get(7);
    await rowRead;
    await renameUser(pool, cache, 7, 'renamed during a load');
    const after = cache.get(7);
    release();
    expect((await before)?.name).toBe('user 7'); // began before the write: may be old
    expect((await after)?.name).toBe('renamed during a load');
    expect(source.loads()).toBe(2);
  });

  // #region stampede
  it('❌ seed: 50 concurrent misses of one key run 50 queries; single-flight runs 1', async () => {
    const naive = counted();
    const naiveCache = naiveUserCache(naive.load);
    const fixed = counted();
    const cache = redisCache(redisA, fixed);
    await Promise.all(Array.from({ length: 50 }, () => naiveCache.get(4)));
    const users = await Promise.all(Array.from({ length: 50 }, () => cache.get(4)));
    expect(naive.loads()).toBe(50);
    expect(fixed.loads()).toBe(1);
    expect(new Set(users.map((u) => u?.email))).toEqual(new Set(['user4@example.com']));
  });
  // #endregion stampede

  it('serves over HTTP: 200, 404 for a missing user, 400 naming the field', async () => {
    const app = createUserApp(redisCache(redisA, counted()));
    await request(app).get('/users/5').expect(200, { id: 5, name: 'user 5', email: 'user5@example.com' });
    await request(app).get('/users/1').expect(200); // the first id is a valid one
    await request(app).get('/users/12345').expect(404, { error: 'user 12345 not found', field: 'id' });
    for (const id of ['abc', '0', '-3', '1.5', '9007199254740993']) {
      await request(app).get(`/users/${id}`).expect(400, { error: 'id must be a positive integer', field: 'id' });
    }
  });
});
