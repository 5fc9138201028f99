import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atomicIncrement, naiveIncrement } from './redis-atomic.js';

const INCREMENTS = 1000;
const CONNECTIONS = 4;

describe('1,000 concurrent increments from four connections', () => {
  const prefix = redisPrefix('redis-atomic');
  let clients: Redis[];
  beforeAll(() => {
    clients = Array.from({ length: CONNECTIONS }, () => new Redis(testServices().redisUrl));
  });
  afterAll(async () => {
    await deleteRedisPrefix(clients[0] as Redis, prefix);
    await Promise.all(clients.map((client) => client.quit()));
  });

  function hammer(increment: (redis: Redis, key: string) => Promise<number>, key: string) {
    return Promise.all(Array.from({ length: INCREMENTS }, (_, i) => increment(clients[i % CONNECTIONS] as Redis, key)));
  }

  // #region lost-updates
  it('GET-then-SET loses updates', async () => {
    const key = `${prefix}naive`;
    await hammer(naiveIncrement, key);
    expect(Number(await clients[0]?.get(key))).toBeLessThan(INCREMENTS);
  });
  // #endregion lost-updates

  it('INCR ends at exactly 1,000', async () => {
    const key = `${prefix}atomic`;
    const returned = await hammer(atomicIncrement, key);
    expect(Number(await clients[0]?.get(key))).toBe(INCREMENTS);
    // Every caller also got a distinct value back, so INCR can hand out unique ids.
    expect(new Set(returned).size).toBe(INCREMENTS);
  });

  it('GET-then-SET one at a time counts right: it is the race that loses updates', async () => {
    const key = `${prefix}one-at-a-time`;
    const returned: number[] = [];
    for (let n = 0; n < 10; n++) returned.push(await naiveIncrement(clients[0] as Redis, key));
    expect(returned).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await clients[0]?.get(key)).toBe('10');
  });
});
