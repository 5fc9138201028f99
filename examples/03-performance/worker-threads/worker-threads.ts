import express, { type Express } from 'express';
import { Piscina } from 'piscina';
import { parseFibonacciInput } from './fibonacci-input.js';
import { fibonacci, fibonacciTaskFile } from './fibonacci-task.js';

// #region pool
/** A fixed set of threads that run the CPU job, with a bounded queue in front of them. */
export function createFibonacciPool(options: { maxThreads: number; maxQueue?: number }): Piscina {
  return new Piscina({
    filename: fibonacciTaskFile,
    name: 'run',
    minThreads: 1,
    maxThreads: options.maxThreads,
    // Bounded queue: under overload, refuse work instead of piling up memory and latency.
    maxQueue: options.maxQueue ?? options.maxThreads * 32,
  });
}
// #endregion pool

// #region pool-app
/** POST /fibonacci { n } runs in the pool with a deadline; GET /ping is the cheap request. */
export function createFibonacciApp(pool: Piscina, timeoutMs: number): Express {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  app.get('/ping', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/fibonacci', async (req, res) => {
    const input = parseFibonacciInput(req.body);
    if (!input.ok) {
      res.status(400).json({ error: input.error, field: input.field });
      return;
    }
    // Admission control here, not only piscina's maxQueue: piscina 5.3 does not enforce maxQueue
    // for tasks that carry an AbortSignal (worker-threads.test.ts shows both).
    if (pool.queueSize >= pool.options.maxQueue) {
      res.status(503).set('retry-after', '1').json({ error: 'busy, retry later' });
      return;
    }
    // The job stops at its deadline or when the client hangs up, whichever comes first: aborting
    // terminates the thread running it (piscina replaces it), so nobody computes an unread answer.
    const hungUp = new AbortController();
    res.once('close', () => hungUp.abort());
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), hungUp.signal]);
    try {
      const result: number = await pool.run({ n: input.n }, { signal });
      res.json({ n: input.n, result });
    } catch (error) {
      // piscina rejects every aborted task with its own AbortError, whichever signal fired.
      if (error instanceof Error && error.name === 'AbortError') {
        res.status(503).json({ error: `computation exceeded ${timeoutMs} ms` });
        return;
      }
      // The task threw or its thread died (piscina starts another): a JSON 500, not Express's page with the stack.
      console.error('fibonacci task failed:', error);
      res.status(500).json({ error: 'computation failed' });
    }
  });
  return app;
}
// #endregion pool-app

/** ❌ The same route computing on the event loop: every other request waits for it. */
export function blockingFibonacciApp(): Express {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  app.get('/ping', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/fibonacci', (req, res) => {
    const input = parseFibonacciInput(req.body);
    if (!input.ok) {
      res.status(400).json({ error: input.error, field: input.field });
      return;
    }
    res.json({ n: input.n, result: fibonacci(input.n) });
  });
  return app;
}
