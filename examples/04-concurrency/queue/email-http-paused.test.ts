import { type OwnRedis, startOwnRedis } from '@cookbook/shared/testing';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBullmqEmailQueue, enqueueEmailJob } from './bullmq-queue.js';
import { createEmailApp } from './email-http.js';

// The producer's queue on a redis-server of this file's own, which the test pauses (SIGSTOP).
let server: OwnRedis;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('POST /emails while Redis is paused', () => {
  it('answers a fast 503 instead of hanging the request, and logs that the queue timed out', async () => {
    server = await startOwnRedis();
    cleanups.push(() => server.stop());
    const queue = createBullmqEmailQueue({ redisUrl: server.url, prefix: 'faults', name: 'paused-producer' });
    cleanups.push(() => queue.close());
    await queue.waitUntilReady();
    const app = createEmailApp((message) => enqueueEmailJob(queue, message), { enqueueTimeoutMs: 300 });
    // The client sees only "try again"; the operator's log says why.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    server.pause();
    try {
      const res = await request(app)
        .post('/emails')
        .timeout(5_000) // so that a hung request fails this test, rather than hanging it
        .send({ to: 'ada@example.com', subject: 'Hi', body: 'x' });
      expect([res.status, res.body.error]).toEqual([503, 'queue_unavailable']);
    } finally {
      server.resume();
    }
    expect(logged.mock.calls.map(String)).toEqual(['Error: the queue did not answer within 300 ms']);
  });
});
