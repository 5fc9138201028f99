import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { memoryBalance, redisBalance } from './balance-store.js';
import { createLockedAccount, naiveWithdraw, simulatedLatency, type WithdrawResult } from './mutex.js';

const show = (results: WithdrawResult[]) =>
  results.map((r) => (r.ok ? `withdrew ${r.amount}` : `refused ${r.amount}`)).join(', ');

export const mutexDemo = recipe({
  services: ['redis'],
  title: 'withdraw 600 and 500 from 1000 at the same time: no lock, one mutex, two mutexes',
  lookFor: 'both withdrawals succeed without a lock and across processes; one mutex refuses the second.',
  async run({ urls, defer, log }) {
    const slow = simulatedLatency(50);
    const bare = memoryBalance(1000);
    log(`no lock:     ${show(await Promise.all([naiveWithdraw(bare, 600, slow), naiveWithdraw(bare, 500, slow)]))}`);
    const account = createLockedAccount(memoryBalance(1000), slow);
    log(`one mutex:   ${show(await Promise.all([account.withdraw(600), account.withdraw(500)]))}`);
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('demo-concurrency');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    const key = `${prefix}mutex:balance`;
    await redis.set(key, '1000');
    // Two Mutex instances are exactly what two processes have; mutex.test.ts runs real processes.
    const a = createLockedAccount(redisBalance(redis, key), slow);
    const b = createLockedAccount(redisBalance(redis, key), slow);
    log(`two mutexes, one balance: ${show(await Promise.all([a.withdraw(600), b.withdraw(500)]))}`);
  },
});
