import { createHash } from 'node:crypto';
import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTransferFunds, TRANSFER_LUA, transferFunds, unsafeClientTransfer } from './redis-lua.js';

type Transfer = (redis: Redis, from: string, to: string, amount: number) => Promise<boolean>;

const ACCOUNTS = 10;
const OPENING = 100;
const TRANSFERS = 1000;

describe('transfers in Redis', () => {
  const prefix = redisPrefix('redis-lua');
  let clients: Redis[];
  let redis: Redis;
  beforeAll(() => {
    clients = Array.from({ length: 4 }, () => new Redis(testServices().redisUrl));
    redis = clients[0] as Redis;
  });
  afterAll(async () => {
    await deleteRedisPrefix(redis, prefix);
    await Promise.all(clients.map((client) => client.quit()));
  });

  async function openAccounts(book: string): Promise<string[]> {
    const keys = Array.from({ length: ACCOUNTS }, (_, i) => `${prefix}${book}:account:${i}`);
    await redis.mset(...keys.flatMap((key) => [key, String(OPENING)]));
    return keys;
  }

  /** 1,000 concurrent random transfers (amounts 1-60) among 10 accounts, from four connections. */
  async function randomTransfers(transfer: Transfer, book: string) {
    const keys = await openAccounts(book);
    const pick = () => keys[Math.floor(Math.random() * ACCOUNTS)] as string;
    const jobs = Array.from({ length: TRANSFERS }, (_, i) => {
      const from = pick();
      let to = pick();
      while (to === from) to = pick();
      return transfer(clients[i % clients.length] as Redis, from, to, 1 + Math.floor(Math.random() * 60));
    });
    const moved = (await Promise.all(jobs)).filter(Boolean).length;
    const balances = (await redis.mget(...keys)).map(Number);
    return { moved, balances, total: balances.reduce((a, b) => a + b, 0) };
  }

  it('checked from Node, concurrent transfers drive balances below zero', async () => {
    const { balances, total } = await randomTransfers(unsafeClientTransfer, 'client');
    expect(total).toBe(ACCOUNTS * OPENING);
    expect(Math.min(...balances)).toBeLessThan(0);
  });

  it('the Lua script conserves the total and never makes a balance negative', async () => {
    const { moved, balances, total } = await randomTransfers(transferFunds, 'lua');
    expect(total).toBe(ACCOUNTS * OPENING);
    expect(Math.min(...balances)).toBeGreaterThanOrEqual(0);
    expect(moved).toBeGreaterThan(0);
  });

  // #region seed-negative
  it("the seed's script accepts a negative amount and takes money from the receiver", async () => {
    const [a, b] = (await openAccounts('seed-negative')) as [string, string];
    expect(await seedTransferFunds(redis, a, b, -(OPENING + 50))).toBe(true);
    expect(Number(await redis.get(b))).toBe(-50);
    await expect(transferFunds(redis, a, b, -10)).rejects.toThrow(/INVALID_AMOUNT/);
  });
  // #endregion seed-negative

  it("the seed's script creates the receiver when it does not exist", async () => {
    const [a] = (await openAccounts('seed-typo')) as [string];
    const typo = `${prefix}seed-typo:acount:1`;
    expect(await seedTransferFunds(redis, a, typo, 30)).toBe(true);
    expect(await redis.get(typo)).toBe('30');
    await expect(transferFunds(redis, a, `${typo}x`, 30)).rejects.toThrow(/NO_ACCOUNT/);
  });

  it("the seed's script fails with a Lua runtime error on a missing sender", async () => {
    const [a] = (await openAccounts('seed-missing')) as [string];
    const ghost = `${prefix}seed-missing:ghost`;
    await expect(seedTransferFunds(redis, ghost, a, 10)).rejects.toThrow(/attempt to compare/);
    await expect(transferFunds(redis, ghost, a, 10)).rejects.toThrow(`NO_ACCOUNT ${ghost}`);
  });

  it('is cached in Redis under its SHA1 and called with EVALSHA', async () => {
    const [a, b] = (await openAccounts('evalsha')) as [string, string];
    const evalshaCalls = async () =>
      Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    await transferFunds(redis, a, b, 1);
    const before = await evalshaCalls();
    for (let i = 0; i < 10; i++) await transferFunds(redis, a, b, 1);
    expect(await evalshaCalls()).toBeGreaterThanOrEqual(before + 10);
    const sha = createHash('sha1').update(TRANSFER_LUA).digest('hex');
    expect(await redis.script('EXISTS', sha)).toEqual([1]);
  });

  it('refuses a fractional amount and a transfer to the same account, moving nothing', async () => {
    const [a, b] = (await openAccounts('refused')) as [string, string];
    await expect(transferFunds(redis, a, b, 1.5)).rejects.toThrow(/INVALID_AMOUNT/);
    await expect(transferFunds(redis, a, a, 10)).rejects.toThrow(/SAME_ACCOUNT/);
    expect(await redis.mget(a, b)).toEqual([String(OPENING), String(OPENING)]);
  });

  it('insufficient funds is an answer, not an error', async () => {
    const [a, b] = (await openAccounts('poor')) as [string, string];
    expect(await transferFunds(redis, a, b, OPENING + 1)).toBe(false);
    expect(await redis.mget(a, b)).toEqual([String(OPENING), String(OPENING)]);
  });

  it('checked from Node one at a time, it refuses an overdraft and lets the whole balance go', async () => {
    const [a, b] = (await openAccounts('client-serial')) as [string, string];
    expect(await unsafeClientTransfer(redis, a, b, OPENING + 1)).toBe(false);
    expect(await redis.mget(a, b)).toEqual([String(OPENING), String(OPENING)]);
    expect(await unsafeClientTransfer(redis, a, b, OPENING)).toBe(true);
    expect(await redis.mget(a, b)).toEqual(['0', String(2 * OPENING)]);
  });
});
