import { deleteRedisPrefix, redisPrefix, testServices, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquireLock,
  fencedWrite,
  LockTimeoutError,
  naiveAcquireLock,
  naiveReleaseLock,
  releaseLock,
  withLock,
} from './redis-lock.js';

/** Resolves once Redis has expired `key` (bounded; no fixed sleep). */
const expired = (redis: Redis, key: string) =>
  waitUntil(async () => (await redis.exists(key)) === 0, `${key} to expire`, 10_000, 5);

describe('a Redis lock with SET NX PX, an owner and a fencing token', () => {
  const prefix = redisPrefix('redis-lock');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testServices().redisUrl);
  });
  afterAll(async () => {
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });

  it('lets one holder in at a time and hands out increasing fencing tokens', async () => {
    const key = `${prefix}exclusive`;
    const first = await acquireLock(redis, key, 10_000);
    expect(first).not.toBeNull();
    expect(await acquireLock(redis, key, 10_000)).toBeNull();
    await releaseLock(redis, first as NonNullable<typeof first>);
    const second = await acquireLock(redis, key, 10_000);
    expect(second?.fence).toBeGreaterThan(first?.fence ?? Number.POSITIVE_INFINITY);
  });

  it('without an expiry, a crashed holder blocks everyone forever; with one, the lock comes back', async () => {
    const naiveKey = `${prefix}no-expiry`;
    expect(await naiveAcquireLock(redis, naiveKey)).toBe(true); // the holder "crashes" here
    expect(await redis.pttl(naiveKey)).toBe(-1); // no TTL: nothing will ever free it
    expect(await naiveAcquireLock(redis, naiveKey)).toBe(false);

    const key = `${prefix}with-expiry`;
    expect(await acquireLock(redis, key, 100)).not.toBeNull(); // this holder "crashes" too
    await expired(redis, key);
    expect(await acquireLock(redis, key, 10_000)).not.toBeNull();
  });

  // #region no-owner
  it('without an owner check, a late holder deletes the lock someone else holds', async () => {
    const key = `${prefix}no-owner`;
    expect(await acquireLock(redis, key, 100)).not.toBeNull(); // A stalls past its TTL
    await expired(redis, key);
    expect(await acquireLock(redis, key, 10_000)).not.toBeNull(); // B holds it now
    await naiveReleaseLock(redis, key); // A wakes up and "releases"
    expect(await acquireLock(redis, key, 10_000)).not.toBeNull(); // C gets in while B still works
  });
  // #endregion no-owner

  it('with an owner check, the late holder cannot release the new holder’s lock', async () => {
    const key = `${prefix}owner`;
    const a = await acquireLock(redis, key, 100);
    await expired(redis, key);
    const b = await acquireLock(redis, key, 10_000);
    expect(await releaseLock(redis, a as NonNullable<typeof a>)).toBe(false);
    expect(await acquireLock(redis, key, 10_000)).toBeNull();
    expect(await releaseLock(redis, b as NonNullable<typeof b>)).toBe(true);
  });

  it('a fencing token makes the storage reject a write from the holder whose lock expired', async () => {
    const key = `${prefix}fenced`;
    const resource = `${prefix}fenced:resource`;
    const a = (await acquireLock(redis, key, 100)) as NonNullable<Awaited<ReturnType<typeof acquireLock>>>;
    await expired(redis, key);
    const b = (await acquireLock(redis, key, 10_000)) as typeof a;
    expect(await fencedWrite(redis, resource, b, 'written by B')).toBe(true);
    expect(await fencedWrite(redis, resource, a, 'written by A, too late')).toBe(false);
    expect(await redis.hget(resource, 'value')).toBe('written by B');
  });

  it('withLock serialises 20 concurrent read-modify-writes and gives up after its wait limit', async () => {
    const key = `${prefix}serial`;
    const counter = `${prefix}serial:counter`;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withLock(redis, key, async () => {
          const value = Number((await redis.get(counter)) ?? 0);
          await redis.set(counter, String(value + 1));
        }),
      ),
    );
    expect(await redis.get(counter)).toBe('20');
    await acquireLock(redis, key, 10_000);
    const timedOut = await withLock(redis, key, async () => 'never', { waitMs: 50 }).catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(LockTimeoutError);
    expect(String(timedOut)).toBe(`LockTimeoutError: could not acquire lock ${key} in time`);
  });

  it('a lock taken at once leaves no wait timer behind', async () => {
    const key = `${prefix}no-timer`;
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    for (let n = 0; n < 10; n++) await withLock(redis, key, async () => {}, { waitMs: 600_000 });
    // Ten forgotten deadlines would be ten ten-minute timers.
    expect(timers() - before).toBeLessThan(5);
  });
});
