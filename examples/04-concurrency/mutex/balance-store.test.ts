import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BalanceStore, redisBalance } from './balance-store.js';
import { naiveWithdraw, simulatedLatency } from './mutex.js';

// The store of the cross-process race (test/withdraw-child.ts), checked here in this process too,
// where a change to it is seen: what one connection writes, another reads.
describe('a balance kept in Redis', () => {
  const prefix = redisPrefix('balance-store');
  let clients: Redis[];
  beforeAll(() => {
    clients = [new Redis(testServices().redisUrl), new Redis(testServices().redisUrl)];
  });
  afterAll(async () => {
    await deleteRedisPrefix(clients[0] as Redis, prefix);
    await Promise.all(clients.map((client) => client.quit()));
  });
  const storesOn = (key: string) => clients.map((client) => redisBalance(client, key)) as [BalanceStore, BalanceStore];

  it('is shared by every connection, and reads 0 before anyone wrote it', async () => {
    const [mine, theirs] = storesOn(`${prefix}shared`);
    expect(await theirs.read()).toBe(0);
    await mine.write(1000);
    expect(await theirs.read()).toBe(1000);
  });

  it('makes nothing atomic: two connections withdrawing 600 and 500 from 1000 both succeed', async () => {
    const key = `${prefix}race`;
    await clients[0]?.set(key, '1000');
    const [mine, theirs] = storesOn(key);
    const slowStep = simulatedLatency(5);
    const results = await Promise.all([naiveWithdraw(mine, 600, slowStep), naiveWithdraw(theirs, 500, slowStep)]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    // 1,100 paid out, and the balance still shows what the last writer left: 400 or 500.
    expect(['400', '500']).toContain(await clients[0]?.get(key));
  });
});
