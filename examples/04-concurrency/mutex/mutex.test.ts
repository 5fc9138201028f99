import { deleteRedisPrefix, type Fixture, redisPrefix, spawnFixture, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryBalance } from './balance-store.js';
import { createLockedAccount, naiveWithdraw, simulatedLatency, type WithdrawResult } from './mutex.js';

const WITHDRAW_CHILD = new URL('./test/withdraw-child.ts', import.meta.url);

const slowStep = simulatedLatency(5);
const withdrawn = (results: WithdrawResult[]) => results.filter((r) => r.ok).reduce((sum, r) => sum + r.amount, 0);

describe('in one process', () => {
  it('without a lock, withdrawing 600 and 500 from 1000 pays out 1100', async () => {
    const store = memoryBalance(1000);
    const results = await Promise.all([naiveWithdraw(store, 600, slowStep), naiveWithdraw(store, 500, slowStep)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(withdrawn(results)).toBe(1100);
  });

  it('with the mutex, exactly one of the two withdrawals succeeds', async () => {
    const store = memoryBalance(1000);
    const account = createLockedAccount(store, slowStep);
    const results = await Promise.all([account.withdraw(600), account.withdraw(500)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(1000 - withdrawn(results)).toBe(await store.read());
    // The refused one says why, and what the balance was when it was refused.
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, amount: 500, reason: 'insufficient-funds', balance: 400 });
  });

  it('under 50 concurrent withdrawals of 100, only the lock keeps payouts within the balance', async () => {
    const naiveStore = memoryBalance(1000);
    const naive = await Promise.all(Array.from({ length: 50 }, () => naiveWithdraw(naiveStore, 100, slowStep)));
    const lockedStore = memoryBalance(1000);
    const account = createLockedAccount(lockedStore, slowStep);
    const locked = await Promise.all(Array.from({ length: 50 }, () => account.withdraw(100)));
    expect(withdrawn(naive)).toBeGreaterThan(1000);
    expect(withdrawn(locked)).toBe(1000);
    expect(await lockedStore.read()).toBe(0);
  });

  it('rejects a non-positive amount, and the lock is released after the throw', async () => {
    const account = createLockedAccount(memoryBalance(1000), slowStep);
    await expect(account.withdraw(-5)).rejects.toThrow(/amount must be a positive integer/);
    await expect(account.withdraw(0)).rejects.toThrow(/amount must be a positive integer, got 0/);
    expect(await account.withdraw(100)).toMatchObject({ ok: true, balance: 900 });
  });
});

describe('across two processes sharing a Redis balance', () => {
  const prefix = redisPrefix('mutex');
  let redis: Redis;
  const children: Fixture[] = [];
  beforeAll(() => {
    redis = new Redis(testServices().redisUrl);
  });
  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });

  async function race(mode: 'mutex' | 'redis-lock'): Promise<WithdrawResult[]> {
    const key = `${prefix}${mode}:balance`;
    await redis.set(key, '1000');
    const pair = [600, 500].map((amount) =>
      spawnFixture(WITHDRAW_CHILD, {
        args: ['--mode', mode, '--redis-url', testServices().redisUrl, '--key', key, '--amount', String(amount)],
      }),
    );
    children.push(...pair);
    await Promise.all(pair.map((child) => child.waitForLine(/^ready$/)));
    for (const { child } of pair) child.kill('SIGUSR2'); // "go", to both at once
    const results = await Promise.all(pair.map((child) => child.waitForLine(/^result (.+)$/)));
    await Promise.all(pair.map((child) => child.exited));
    return results.map(([, json]) => JSON.parse(json ?? '') as WithdrawResult);
  }

  // #region two-processes
  it('each process locking its own mutex still pays out 1100 from 1000', async () => {
    const results = await race('mutex');
    expect(results.every((r) => r.ok)).toBe(true);
    expect(withdrawn(results)).toBe(1100);
  });
  // #endregion two-processes

  it('a Redis lock shared by both processes lets exactly one withdrawal through', async () => {
    const results = await race('redis-lock');
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(Number(await redis.get(`${prefix}redis-lock:balance`))).toBe(1000 - withdrawn(results));
  });
});
