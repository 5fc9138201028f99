import express, { type Express } from 'express';
import { Piscina } from 'piscina';
import { parseFibonacciInput } from './fibonacci-input.js';
import { fibonacci } from './fibonacci-task.js';
import { siblingModule } from './sibling.js';

// #region pool
/**
 * A fixed set of threads that run the CPU job. `execArgv` lets a test add a TypeScript loader;
 * compiled to JavaScript, the default (inherit the process's flags) is what you want.
 */
export function createFibonacciPool(options: { maxThreads: number; maxQueue?: number; execArgv?: string[] }): Piscina {
  return new Piscina({
    filename: siblingModule('fibonacci-task', import.meta.url).href,
    name: 'run',
    minThreads: 1,
    maxThreads: options.maxThreads,
    // Bounded queue: under overload, refuse work instead of piling up memory and latency.
    maxQueue: options.maxQueue ?? options.maxThreads * 32,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
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
    // for tasks that carry an AbortSignal (test/worker-threads.test.ts shows both).
    if (pool.queueSize >= pool.options.maxQueue) {
      res.status(503).set('retry-after', '1').json({ error: 'busy, retry later' });
      return;
    }
    try {
      // Aborting terminates the thread running the job; piscina replaces it.
      const result: number = await pool.run({ n: input.n }, { signal: AbortSignal.timeout(timeoutMs) });
      res.json({ n: input.n, result });
    } catch (error) {
      if (isAbort(error)) res.status(503).json({ error: `computation exceeded ${timeoutMs} ms` });
      else throw error;
    }
  });
  return app;
}
// #endregion pool-app

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

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
