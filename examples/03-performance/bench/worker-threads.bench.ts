// The same CPU job (fibonacci(32), ≈ 20 ms on an idle core) three ways under the same load: requests/s, latency,
// and how late the server's event loop ran its timers meanwhile.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopDelayProbe, withServer } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import type { Express } from 'express';
import { naiveWorkerPerRequestApp } from '../worker-threads/worker-per-request.js';
import { blockingFibonacciApp, createFibonacciApp, createFibonacciPool } from '../worker-threads/worker-threads.js';
import { type LoadResult, load, SECONDS } from './load.js';

const N = 32;
const body = JSON.stringify({ n: N });
const headers = { 'content-type': 'application/json' };

async function measure(app: Express, path: string, method: 'GET' | 'POST', payload: string) {
  let inFlight = 0;
  const counted = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.on('close', () => inFlight--);
    app(req, res);
  };
  return withServer(counted, async (url) => {
    const probe = startLoopDelayProbe(10);
    const result: LoadResult = await load(`${url}${path}`, { method, body: payload, headers, connections: 4 });
    const delay = probe.stop();
    // autocannon stops sending at the deadline; let the jobs already accepted finish before closing.
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, delay };
  });
}

const pool = createFibonacciPool({ maxThreads: 2 });
await pool.run({ n: 1 }); // threads start before the clock does
// Count jobs still running, so the pool is destroyed only after the last one (autocannon hangs up at
// its deadline without waiting for the answers).
let running = 0;
const run = pool.run.bind(pool);
pool.run = (task, options) => {
  running++;
  return run(task, options).finally(() => running--);
};
const rows = [
  ['inline on the event loop', await measure(blockingFibonacciApp(), '/fibonacci', 'POST', body)],
  [
    'new Worker per request (seed)',
    await measure(naiveWorkerPerRequestApp(undefined, []), '/process', 'GET', JSON.stringify({ data: N })),
  ],
  ['piscina pool, 2 threads', await measure(createFibonacciApp(pool, 10_000), '/fibonacci', 'POST', body)],
] as const;
while (running > 0) await new Promise((resolve) => setTimeout(resolve, 20));
await pool.destroy();

const inline = rows[0][1].result.requestsPerSecond;
reportBench(
  'worker-threads',
  `${markdownTable(
    ['fibonacci(32) per request', 'requests/s', 'vs inline', 'p99 latency (ms)', 'event-loop delay p99 (ms)', 'errors'],
    rows.map(([name, { result, delay }]) => [
      name,
      result.requestsPerSecond,
      ratio(result.requestsPerSecond, inline),
      result.p99Ms,
      delay.p99,
      result.non2xx,
    ]),
  )}\n\nautocannon, 4 connections, ${SECONDS} s each; server and load generator share the 2 cores, and the pool's threads compete with both. The per-request Worker starts without the TypeScript loader, as compiled code would.`,
);
