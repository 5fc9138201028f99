import { once } from 'node:events';
import { createServer } from 'node:http';
import { recipe, withServer } from '@cookbook/shared';
import { blockingFibonacciApp, createFibonacciApp, createFibonacciPool } from './worker-threads.js';

const ms = (value: number) => `${value.toFixed(0).padStart(5)} ms`;

async function timedFetch(url: string, init?: RequestInit): Promise<{ ms: number; status: number; body: string }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const body = await res.text();
  return { ms: performance.now() - started, status: res.status, body };
}

const post = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const workerThreadsDemo = recipe({
  services: [],
  title: 'fibonacci on the event loop and in a piscina pool, with a ping sent while it runs',
  lookFor: 'inline, the ping waits for the whole job; with the pool it answers in a few ms.',
  async run({ smoke, log }) {
    const n = smoke ? 30 : 37;
    await using pool = createFibonacciPool({ maxThreads: 2 });
    await pool.run({ n: 1 }); // start a thread before timing anything
    for (const [name, app] of [
      ['inline', blockingFibonacciApp()],
      ['piscina pool', createFibonacciApp(pool, 10_000)],
    ] as const) {
      const server = createServer(app);
      await withServer(server, async (url) => {
        await timedFetch(`${url}/ping`);
        const arrived = once(server, 'request'); // the ping goes out once the job has reached the server
        const job = timedFetch(`${url}/fibonacci`, post({ n }));
        await arrived;
        const ping = await timedFetch(`${url}/ping`);
        log(`${name.padEnd(13)} fibonacci(${n}) ${ms((await job).ms)}   ping ${ms(ping.ms)}`);
      });
    }
    await withServer(createFibonacciApp(pool, 50), async (url) => {
      const bad = await timedFetch(`${url}/fibonacci`, post({ n: 'forty' }));
      log(`bad input      ${bad.status} ${bad.body}`);
      const slow = await timedFetch(`${url}/fibonacci`, post({ n: 42 }));
      log(`over deadline  ${slow.status} ${slow.body} after ${ms(slow.ms).trim()}`);
    });
  },
});
