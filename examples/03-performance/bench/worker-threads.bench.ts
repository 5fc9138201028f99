// The same CPU job (fibonacci(32), ≈ 20 ms on an idle core) three ways under the same load: requests/s, latency,
// and how late the server's event loop ran its timers meanwhile.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import { startLoopDelayProbe, withServer } from '@cookbook/shared';
import { type BenchLimit, markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import type { Express } from 'express';
import { naiveWorkerPerRequestApp } from '../worker-threads/worker-per-request.js';
import { blockingFibonacciApp, createFibonacciApp, createFibonacciPool } from '../worker-threads/worker-threads.js';
import { type LoadResult, load, SECONDS, unpinned } from './load.js';

const N = 32;
const THREADS = 2;
// The pool's threads need every core, so the server is not pinned; the load generator (4 connections
// waiting ≈ 20 ms per answer) is a process of its own beside it.
const placement = unpinned();
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
    const result: LoadResult = await load(`${url}${path}`, placement, {
      method,
      body: payload,
      headers,
      connections: 4,
    });
    const delay = probe.stop();
    // autocannon stops sending at the deadline; let the jobs already accepted finish before closing.
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    return { result, delay };
  });
}

const pool = createFibonacciPool({ maxThreads: THREADS });
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
  [`piscina pool, ${THREADS} threads`, await measure(createFibonacciApp(pool, 10_000), '/fibonacci', 'POST', body)],
] as const;
while (running > 0) await new Promise((resolve) => setTimeout(resolve, 20));
await pool.destroy();

const inline = rows[0][1].result.requestsPerSecond;
// Inline, the job has one core; spread over threads it has at most every core, and no more than one
// per thread: a bigger ratio means the inline run was slowed by something else.
const cores = Math.min(availableParallelism(), THREADS);
const limits: BenchLimit[] = rows.slice(1).map(([name, { result }]) => ({
  figure: `${name} vs inline`,
  measured: result.requestsPerSecond / inline,
  limit: cores,
  because: `${availableParallelism()} cores, ${THREADS} pool threads`,
  unit: 'x',
}));
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
  )}\n\nautocannon, 4 connections, ${SECONDS} s each after 1 s of warm-up; ${placement.note}, and the pool's threads compete with both. The per-request Worker starts without the TypeScript loader, as compiled code would.`,
  limits,
);
