import { once } from 'node:events';
import { createServer } from 'node:http';
import { withServer } from '@cookbook/shared';
import { waitUntil } from '@cookbook/shared/testing';
import type { Express } from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { postJson, timed } from './test/http.js';
import { naiveWorkerPerRequestApp, type ThreadCount } from './worker-per-request.js';
import { blockingFibonacciApp, createFibonacciApp, createFibonacciPool } from './worker-threads.js';

// No TypeScript loader is passed to the threads: Node 22.18+ strips the types of a .ts entry itself.
const pool = createFibonacciPool({ maxThreads: 2 });
afterAll(() => pool.destroy());

const SLOW_N = 36; // ≈ 130 ms on an idle core, far longer than a ping

/** Sends a slow job, waits until the server has it, then times a ping sent while it runs. */
async function pingDuringJob(app: Express): Promise<{ job: number; ping: number }> {
  const server = createServer(app);
  return withServer(server, async (url) => {
    const arrived = once(server, 'request');
    const job = timed(`${url}/fibonacci`, postJson({ n: SLOW_N }));
    await arrived;
    const ping = await timed(`${url}/ping`);
    const done = await job;
    expect([done.status, ping.status]).toEqual([200, 200]);
    return { job: done.ms, ping: ping.ms };
  });
}

describe('worker-threads', () => {
  it('inline, a ping waits for the whole CPU job', async () => {
    const { job, ping } = await pingDuringJob(blockingFibonacciApp());
    expect(ping / job).toBeGreaterThan(0.5);
  });

  it('in the pool, a ping answers in a small fraction of the job', async () => {
    await request(createFibonacciApp(pool, 10_000)).post('/fibonacci').send({ n: 20 }).expect(200); // warm a thread
    const { job, ping } = await pingDuringJob(createFibonacciApp(pool, 120_000));
    expect(ping / job).toBeLessThan(0.25);
  });

  it('computes the right answer in a thread', async () => {
    const res = await request(createFibonacciApp(pool, 10_000)).post('/fibonacci').send({ n: 30 }).expect(200);
    expect(res.body).toEqual({ n: 30, result: 832040 });
  });

  it('rejects a bad body with 400 naming the field', async () => {
    const app = createFibonacciApp(pool, 10_000);
    for (const body of [{}, { n: 'x' }, { n: 1.5 }, { n: 1000 }]) {
      const res = await request(app).post('/fibonacci').send(body).expect(400);
      expect(res.body.field).toBe('n');
    }
  });

  it('aborts a job past its deadline with 503 and keeps serving', async () => {
    const app = createFibonacciApp(pool, 50);
    const res = await request(app).post('/fibonacci').send({ n: 42 }).expect(503);
    expect(res.body.error).toMatch(/exceeded 50 ms/);
    // The aborted thread was terminated; the pool starts another and keeps serving.
    await request(createFibonacciApp(pool, 10_000))
      .post('/fibonacci')
      .send({ n: 10 })
      .expect(200, { n: 10, result: 55 });
  });

  it('past the bounded queue, requests get 503 with Retry-After instead of waiting', async () => {
    await using small = createFibonacciPool({ maxThreads: 1, maxQueue: 2 });
    // The thread up first: until it is, every task waits in the queue and only 2 are admitted.
    await small.run({ n: 1 });
    // A deadline no admitted job meets: under Stryker's instrumentation the job runs many times slower,
    // and the third in line would time out (503 too) and miscount as refused.
    await withServer(createFibonacciApp(small, 120_000), async (url) => {
      await timed(`${url}/ping`); // open the client's connection pool first, so the 8 arrive together
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => fetch(`${url}/fibonacci`, postJson({ n: SLOW_N - 1 }))),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3); // 1 running + 2 queued
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(responses.find((r) => r.status === 503)?.headers.get('retry-after')).toBe('1');
    });
  });

  it("piscina's maxQueue alone does not reject tasks that carry an AbortSignal (why the app checks)", async () => {
    await using small = createFibonacciPool({ maxThreads: 1, maxQueue: 2 });
    await small.run({ n: 1 });
    const run = (signal?: AbortSignal) => small.run({ n: 30 }, signal ? { signal } : {});
    const plain = await Promise.allSettled(Array.from({ length: 6 }, () => run()));
    const withSignal = await Promise.allSettled(Array.from({ length: 6 }, () => run(AbortSignal.timeout(10_000))));
    expect(plain.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    expect(withSignal.filter((r) => r.status === 'rejected')).toHaveLength(0);
  });

  it('a client that hangs up stops its job: the thread is freed long before the deadline', async () => {
    await using small = createFibonacciPool({ maxThreads: 1 });
    await small.run({ n: 1 }); // the one thread is up
    let dispatched = false;
    const run = small.run.bind(small);
    small.run = (task, options) => {
      dispatched = true;
      return run(task, options);
    };
    let destroyed = false;
    small.once('workerDestroy', () => {
      destroyed = true;
    });
    await withServer(createFibonacciApp(small, 120_000), async (url) => {
      const hangUp = new AbortController();
      const job = fetch(`${url}/fibonacci`, postJson({ n: 42 }, hangUp.signal)).catch(() => 'hung up');
      await waitUntil(() => dispatched, 'the job to reach the pool');
      hangUp.abort();
      expect(await job).toBe('hung up');
      // fib(42) runs for seconds and the deadline is 2 minutes away: only the hang-up ends the thread.
      await waitUntil(() => destroyed, "the hung-up job's thread to be terminated", 10_000);
      await request(createFibonacciApp(small, 10_000)).post('/fibonacci').send({ n: 10 }).expect(200);
    });
  });

  it('pool threads stay at maxThreads however many requests arrive', async () => {
    const app = createFibonacciApp(pool, 10_000);
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, pool.threads.length)), 1);
    await Promise.all(Array.from({ length: 8 }, () => request(app).post('/fibonacci').send({ n: 27 }).expect(200)));
    clearInterval(sample);
    expect(peak).toBeLessThanOrEqual(2);
  });

  // #region seed-fails
  it('❌ seed: a new Worker per request runs as many threads as requests', async () => {
    const threads: ThreadCount = { live: 0, peak: 0 };
    const app = naiveWorkerPerRequestApp(threads);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => request(app).get('/process').send({ data: 27 })),
    );
    expect(responses.map((r) => r.body)).toEqual(Array(8).fill({ result: 196418 }));
    expect(threads.peak).toBe(8);
  });

  it('❌ seed: a GET without a body (what clients send) is a 500', async () => {
    const res = await request(naiveWorkerPerRequestApp()).get('/process?data=27');
    expect(res.status).toBe(500);
  });
  // #endregion seed-fails
});
