import { type OwnRedis, startOwnRedis, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import type pg from 'pg';
import request from 'supertest';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUserApp, renameUser } from './caching.js';
import { UserCache } from './user-cache.js';
import { createUsersTable, findUser } from './users-table.js';

// The cache lives on a redis-server of this file's own, which the tests pause and kill; Postgres,
// the source of truth, stays up, as it would while a cache node fails.
const database = useTestDatabase('caching_outage');
let pool: pg.Pool;
let server: OwnRedis;
let redis: Redis;
let loads: number;
let cache: UserCache;
const errors: unknown[] = [];

beforeAll(async () => {
  pool = database.pool({ max: 5 });
  await createUsersTable(pool, 10);
});
beforeEach(async () => {
  server = await startOwnRedis();
  redis = new Redis(server.url);
  redis.on('error', () => {}); // refused while it is down: what these tests are about
  loads = 0;
  errors.length = 0;
  cache = new UserCache(redis, {
    prefix: 'outage:',
    ttlSeconds: 60,
    missingTtlSeconds: 5,
    timeoutMs: 200,
    onCacheError: (error) => errors.push(error),
    load: (id) => {
      loads++;
      return findUser(pool, id);
    },
  });
});
const findUserIn = (id: number) => findUser(pool, id);
afterEach(async () => {
  redis.disconnect();
  await server.stop();
});

describe('the cache when Redis stops answering', () => {
  it('paused: reads are served from Postgres after the cache timeout, and say why in the error hook', async () => {
    const app = createUserApp(cache);
    await request(app).get('/users/1').expect(200); // cached now
    server.pause();
    const paused = await request(app).get('/users/2').expect(200); // without a timeout: never answered
    expect(paused.body).toMatchObject({ id: 2, name: 'user 2' });
    expect(loads).toBe(2);
    // The read timed out, then so did storing the row loaded in its place: each named for the log.
    expect(errors.map(String)).toEqual([
      'CacheUnavailableError: Redis did not answer within 200 ms, reading user 2',
      'CacheUnavailableError: Redis did not answer within 200 ms, storing user 2',
    ]);
    server.resume();
    await waitUntil(async () => (await redis.get('outage:user:2')) !== null, 'the late SET to land');
    await cache.get(2);
    expect(loads).toBe(2); // a hit again, once Redis answers
  });

  it('down: reads go to Postgres within the cache timeout', async () => {
    await cache.get(3);
    await server.stop(); // the cache node is gone; the client keeps trying to reconnect
    expect(await cache.get(3)).toMatchObject({ id: 3 });
    expect(await cache.get(3)).toMatchObject({ id: 3 });
    expect(loads).toBe(3);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('an invalidation Redis cannot take fails, within the timeout, saying readers may see the old row', async () => {
    await cache.get(5);
    server.pause();
    await expect(renameUser(pool, cache, 5, 'renamed')).rejects.toThrow(
      /user 5 was not dropped from the cache.*up to 60 s/,
    );
    expect(await findUser(pool, 5)).toMatchObject({ name: 'renamed' }); // the write itself committed
  });

  it('the failed invalidation carries the Redis failure as its cause, with or without an error hook', async () => {
    const unhooked = new UserCache(redis, {
      prefix: 'outage:',
      ttlSeconds: 60,
      missingTtlSeconds: 5,
      load: findUserIn,
    });
    server.pause();
    for (const each of [cache, unhooked]) {
      const failure = await each.invalidate(6).catch((error: Error) => error);
      expect(failure).toMatchObject({ name: 'CacheUnavailableError', message: expect.stringContaining('user 6') });
      expect(String((failure as Error).cause)).toMatch(
        /^CacheUnavailableError: Redis did not answer .*, dropping user 6$/,
      );
    }
  });
});

describe('the cache while Redis answers', () => {
  it('leaves no timer behind per command: a busy cache does not pile up a timeout for each hit', async () => {
    await cache.get(7);
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    await Promise.all(Array.from({ length: 100 }, () => cache.get(7)));
    expect(timers() - before).toBeLessThan(10); // not one per hit, each alive for 200 ms
    expect(errors).toEqual([]);
  });
});
