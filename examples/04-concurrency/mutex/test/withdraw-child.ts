// One process of the cross-process race: says "ready", withdraws once on SIGUSR2, prints the result.
// --mode mutex|redis-lock --redis-url <url> --key <balance key> --amount <n>
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { withLock } from '../../redis-lock/redis-lock.js';
import { redisBalance } from '../balance-store.js';
import { createLockedAccount, naiveWithdraw, simulatedLatency } from '../mutex.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    'redis-url': { type: 'string' },
    key: { type: 'string' },
    amount: { type: 'string' },
  },
});
const { mode, 'redis-url': redisUrl, key } = values;
const amount = Number(values.amount);
if (!redisUrl || !key || !Number.isInteger(amount) || (mode !== 'mutex' && mode !== 'redis-lock')) {
  console.error('usage: withdraw-child.ts --mode mutex|redis-lock --redis-url <url> --key <key> --amount <n>');
  process.exit(2);
}
const redis = new Redis(redisUrl);
const store = redisBalance(redis, key);
// Wide enough that the other process reads before this one writes, however loaded the machine.
const slowStep = simulatedLatency(300);

const withdraw =
  mode === 'mutex'
    ? createLockedAccount(store, slowStep).withdraw
    : (value: number) => withLock(redis, `${key}:lock`, () => naiveWithdraw(store, value, slowStep));

// A signal, not a message: the parent releases both processes with one kill each, at the same moment.
process.once('SIGUSR2', async () => {
  try {
    console.log(`result ${JSON.stringify(await withdraw(amount))}`);
  } finally {
    await redis.quit();
  }
});
await redis.ping();
console.log('ready');
