import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { acquireLock, fencedWrite, withLock } from './redis-lock.js';

export const redisLockDemo = recipe({
  services: ['redis'],
  title: '20 read-modify-writes under one Redis lock, and a holder whose lock expired',
  lookFor: '20, and the late holder’s write refused because its fencing token is older.',
  async run({ urls, defer, log }) {
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('demo-concurrency');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    const counter = `${prefix}lock:counter`;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withLock(redis, `${prefix}lock`, async () => {
          await redis.set(counter, String(Number((await redis.get(counter)) ?? 0) + 1));
        }),
      ),
    );
    log(`counter after 20 locked increments: ${await redis.get(counter)}`);
    const key = `${prefix}lock:fenced`;
    const late = await acquireLock(redis, key, 1); // 1 ms: it expires while its holder "pauses"
    if (!late) throw new Error('the first acquisition of a fresh lock cannot fail');
    // withLock retries until the expired lock can be taken again.
    await withLock(redis, key, async (current) => {
      log(`current holder (token ${current.fence}) writes: ${await fencedWrite(redis, `${key}:doc`, current, 'new')}`);
      log(`late holder (token ${late.fence}) writes:    ${await fencedWrite(redis, `${key}:doc`, late, 'old')}`);
    });
  },
});
