import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MAX_N, parseFibonacciInput } from './fibonacci-input.js';
import { fibonacci, run } from './fibonacci-task.js';
import { blockingFibonacciApp, createFibonacciApp, createFibonacciPool } from './worker-threads.js';

const refusal = { ok: false, field: 'n', error: `n must be an integer from 1 to ${MAX_N}` };

describe('parseFibonacciInput', () => {
  it.each([1, 2, 41, 42])('accepts n = %d', (n) => {
    expect(parseFibonacciInput({ n })).toEqual({ ok: true, n });
  });

  it.each([
    ['no body', undefined],
    ['null', null],
    ['an array', [36]],
    ['a number', 36],
    ['no n', {}],
    ['n as text', { n: '36' }],
    ['a fraction', { n: 1.5 }],
    ['zero', { n: 0 }],
    ['one over the limit', { n: 43 }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
  ])('refuses %s, naming n and its range', (_case, body) => {
    expect(parseFibonacciInput(body)).toEqual(refusal);
  });
});

describe('the CPU job', () => {
  it.each([
    [0, 0],
    [1, 1],
    [2, 1],
    [3, 2],
    [10, 55],
    [20, 6765],
  ])('fibonacci(%d) = %d', (n, expected) => {
    expect(fibonacci(n)).toBe(expected);
    expect(run({ n })).toBe(expected);
  });
});

describe('blockingFibonacciApp', () => {
  it('computes the same answer, on the event loop', async () => {
    const app = blockingFibonacciApp();
    await request(app).post('/fibonacci').send({ n: 20 }).expect(200, { n: 20, result: 6765 });
    await request(app).get('/ping').expect(200, { ok: true });
  });

  it('refuses a bad body with 400 naming the field', async () => {
    const res = await request(blockingFibonacciApp()).post('/fibonacci').send({ n: 0 }).expect(400);
    expect(res.body).toEqual({ error: refusal.error, field: 'n' });
  });
});

describe('createFibonacciPool', () => {
  it('bounds its queue at 32 tasks per thread unless told otherwise', async () => {
    await using pool = createFibonacciPool({ maxThreads: 2 });
    expect(pool.options).toMatchObject({ maxThreads: 2, minThreads: 1, maxQueue: 64 });
    await using small = createFibonacciPool({ maxThreads: 1, maxQueue: 3 });
    expect(small.options.maxQueue).toBe(3);
  });
});

describe('createFibonacciApp', () => {
  it('with exactly maxQueue tasks waiting, the next request is refused at once', async () => {
    await using small = createFibonacciPool({ maxThreads: 1, maxQueue: 2 });
    await small.run({ n: 1 }); // the thread is up
    const stop = new AbortController();
    const busy = [42, 1, 1].map((n) => small.run({ n }, { signal: stop.signal }).catch(() => 'aborted'));
    try {
      expect(small.queueSize).toBe(2); // one running, two waiting
      const res = await request(createFibonacciApp(small, 120_000)).post('/fibonacci').send({ n: 1 }).expect(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toEqual({ error: 'busy, retry later' });
    } finally {
      stop.abort();
      await Promise.all(busy);
    }
  });

  it.each(['the pool', 'inline'])('%s: answers the ping, and refuses a body over 1 KiB with 413', async (where) => {
    await using pool = createFibonacciPool({ maxThreads: 1 });
    const app = where === 'inline' ? blockingFibonacciApp() : createFibonacciApp(pool, 10_000);
    await request(app).get('/ping').expect(200, { ok: true });
    await request(app)
      .post('/fibonacci')
      .send({ n: 10, padding: 'x'.repeat(2048) })
      .expect(413);
  });
});
