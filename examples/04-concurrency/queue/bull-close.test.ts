import { setTimeout as sleep } from 'node:timers/promises';
import { deleteRedisPrefix, redisPrefix, testServices, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBullQueue, connectionsSettled, createBullEmailQueue, processEmails } from './bull-queue.js';

const prefix = redisPrefix('bull-close').slice(0, -1);
const BOUND_MS = 600_000;

/** 'done' when `work` settles within `ms` (a bound far above what it needs), else 'still waiting'. */
async function within(work: Promise<void>, ms: number): Promise<'done' | 'still waiting'> {
  const stop = new AbortController();
  const late = sleep(ms, 'still waiting' as const, { signal: stop.signal }).catch(() => 'still waiting' as const);
  return Promise.race([work.then(() => 'done' as const), late]).finally(() => stop.abort());
}

afterAll(async () => {
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('closeBullQueue on a healthy Redis', () => {
  it('closes a working queue as soon as its sockets close, without waiting out its bound', async () => {
    const queue = createBullEmailQueue({ redisUrl: testServices().redisUrl, prefix, name: 'close' });
    void processEmails(queue, async () => {});
    const statuses = () => queue.clients.map((client) => client.status).join();
    await waitUntil(() => statuses() === 'ready,ready,ready', "Bull's three connections");
    // Ten minutes is the bound; the close itself takes a few round trips.
    expect(await within(closeBullQueue(queue, BOUND_MS), 10_000)).toBe('done');
    expect(statuses()).toBe('end,end,end');
    // Closed connections are settled: nothing to wait for.
    expect(await within(connectionsSettled(queue, BOUND_MS), 10_000)).toBe('done');
  });
});
