import { waitUntil } from '@cookbook/shared/testing';
import { Piscina } from 'piscina';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { failingTaskFile } from './test/failing-task.js';
import { naiveWorkerPerRequestApp, type ThreadCount } from './worker-per-request.js';
import { createFibonacciApp } from './worker-threads.js';

// The route's pool can run any task: this one throws for n = 1 and exits its thread for n = 2.
const failing = new Piscina({ filename: failingTaskFile, name: 'run', minThreads: 1, maxThreads: 1 });
afterAll(() => failing.destroy());
afterEach(() => {
  vi.restoreAllMocks();
});

describe('a task that fails in its thread', () => {
  it.each([
    ['throws', 1],
    ['exits its thread', 2],
  ])('%s: 500 with a JSON body, logged, and the pool keeps serving', async (_case, n) => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const app = createFibonacciApp(failing, 10_000);
    const res = await request(app).post('/fibonacci').send({ n }).expect(500);
    expect(res.body).toEqual({ error: 'computation failed' });
    expect(logged).toHaveBeenCalledWith('fibonacci task failed:', expect.any(Error));
    await request(app).post('/fibonacci').send({ n: 5 }).expect(200, { n: 5, result: 5 });
  });
});

describe('❌ seed: a new Worker per request', () => {
  it('counts every thread it starts, and each one ends', async () => {
    const threads: ThreadCount = { live: 0, peak: 0 };
    const app = naiveWorkerPerRequestApp(threads);
    const responses = await Promise.all(
      Array.from({ length: 3 }, () => request(app).get('/process').send({ data: 20 })),
    );
    expect(responses.map((r) => r.body)).toEqual(Array(3).fill({ result: 6765 }));
    await waitUntil(() => threads.live === 0, 'every thread to exit');
    expect(threads.peak).toBeGreaterThanOrEqual(1);
  });

  it('answers 500 with the error when its worker throws (NaN recurses until the stack overflows)', async () => {
    const threads: ThreadCount = { live: 0, peak: 0 };
    const res = await request(naiveWorkerPerRequestApp(threads)).get('/process').send({ data: 'x' });
    expect(res.status).toBe(500);
    expect(res.body.error).toMatch(/call stack/);
    await waitUntil(() => threads.live === 0, 'the failed thread to exit');
  });
});
