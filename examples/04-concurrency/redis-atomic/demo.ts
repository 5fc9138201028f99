import { deleteRedisPrefix, recipe, redisPrefix } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { atomicIncrement, naiveIncrement } from './redis-atomic.js';

export const redisAtomicDemo = recipe({
  services: ['redis'],
  title: '1,000 concurrent increments from 4 connections: GET then SET, and INCR',
  lookFor: 'GET then SET ends far below 1000; INCR ends at exactly 1000.',
  async run({ urls, defer, log }) {
    const clients = Array.from({ length: 4 }, () => new Redis(urls.redisUrl));
    const prefix = redisPrefix('demo-concurrency');
    defer(async () => {
      await deleteRedisPrefix(clients[0] as Redis, prefix);
      await Promise.all(clients.map((client) => client.quit()));
    });
    for (const [label, increment] of [
      ['GET then SET', naiveIncrement],
      ['INCR', atomicIncrement],
    ] as const) {
      const key = `${prefix}counter:${label}`;
      await Promise.all(Array.from({ length: 1000 }, (_, i) => increment(clients[i % 4] as Redis, key)));
      log(`${label.padEnd(12)} → ${await clients[0]?.get(key)}`);
    }
  },
});
