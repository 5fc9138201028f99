import { Worker } from 'node:worker_threads';
import express, { type Express } from 'express';
import { fibonacciWorkerFile } from './fibonacci-worker.js';

/** How many threads the naive route has alive at once: the number it never bounds. */
export interface ThreadCount {
  live: number;
  peak: number;
}

// #region naive
/**
 * ❌ The seed's "good" version: a GET that reads `req.body` (GET requests carry no body, so it
 * throws and answers 500) and a brand-new Worker per request (startup cost every time, and as many
 * threads as there are concurrent requests).
 */
export function naiveWorkerPerRequestApp(threads: ThreadCount = { live: 0, peak: 0 }, execArgv?: string[]): Express {
  const app = express();
  app.use(express.json());
  app.get('/process', (req, res) => {
    const worker = new Worker(fibonacciWorkerFile, {
      workerData: req.body.data,
      execArgv, // undefined inherits the process's flags (a TypeScript loader, under tsx)
    });
    threads.live++;
    threads.peak = Math.max(threads.peak, threads.live);
    worker.once('exit', () => threads.live--);
    worker.on('message', (result: number) => res.json({ result }));
    worker.on('error', (error) => res.status(500).json({ error: error.message }));
  });
  return app;
}
// #endregion naive
