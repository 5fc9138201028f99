import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { seedTransferFunds, transferFunds, unsafeClientTransfer } from './redis-lua.js';

export const redisLuaDemo = recipe({
  services: ['redis'],
  title: "1,000 concurrent random transfers among 10 accounts of 100, and the Q&A's script on a bad amount",
  lookFor: 'the Node-side check drives balances negative; the script never does, and refuses bad amounts.',
  async run({ urls, defer, log }) {
    const redis = new Redis(urls.redisUrl);
    const prefix = redisPrefix('demo-concurrency');
    defer(async () => {
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    for (const [label, transfer] of [
      ['checked in Node', unsafeClientTransfer],
      ['Lua script', transferFunds],
    ] as const) {
      const keys = Array.from({ length: 10 }, (_, i) => `${prefix}lua:${label}:${i}`);
      await redis.mset(...keys.flatMap((key) => [key, '100']));
      const transfers = Array.from({ length: 1000 }, () => {
        const from = Math.floor(Math.random() * 10);
        const to = (from + 1 + Math.floor(Math.random() * 9)) % 10; // never the sender
        return transfer(redis, keys[from] as string, keys[to] as string, 1 + Math.floor(Math.random() * 60));
      });
      await Promise.all(transfers);
      const balances = (await redis.mget(...keys)).map(Number);
      log(`${label.padEnd(16)} total ${balances.reduce((x, y) => x + y)}, lowest balance ${Math.min(...balances)}`);
    }
    const [from, to] = [`${prefix}lua:alice`, `${prefix}lua:bob`];
    await redis.mset(from, '100', to, '100');
    await seedTransferFunds(redis, from, to, -150);
    log(`seed script, amount -150: alice ${await redis.get(from)}, bob ${await redis.get(to)}`);
    await transferFunds(redis, from, to, -150).catch((error: Error) =>
      log(`fixed script, amount -150: ${error.message}`),
    );
  },
});
