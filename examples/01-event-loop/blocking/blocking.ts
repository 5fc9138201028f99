import { basename, extname } from 'node:path';
import { setImmediate, setTimeout } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { countPrimes } from './primes.js';

// #region pitfall
/** The Q&A's pitfall: a busy loop. Nothing else runs in this process until it returns. */
export function blockFor(ms: number): void {
  const start = Date.now();
  while (Date.now() - start < ms) {}
}

/**
 * The Q&A's "non-blocking alternative" only waits: it does none of the work. Fine for a delay,
 * no answer for CPU work, which still has to run somewhere.
 */
export async function waitWithoutBlocking(ms: number): Promise<void> {
  await setTimeout(ms);
}
// #endregion pitfall

// #region timer-pitfall
/**
 * The Q&A's alternative applied to CPU work: awaiting a timer makes the function async, not the work.
 * When the timer fires, the whole count runs in that one callback, and the loop waits as long as inline.
 */
export async function naiveCountPrimesAfterTimer(limit: number, waitMs = 0): Promise<number> {
  await waitWithoutBlocking(waitMs);
  return countPrimes(0, limit);
}
// #endregion timer-pitfall

/** CPU work done inline: correct answer, frozen event loop while it runs. */
export function countPrimesInline(limit: number): number {
  return countPrimes(0, limit);
}

// #region partitioned
/**
 * Fix 1: the same work in slices, yielding to the loop with setImmediate between them, so timers,
 * I/O and other requests run in the gaps. Needs no threads; the yields cost too little to measure
 * against the job (the bench's total time column).
 */
export async function countPrimesPartitioned(limit: number, sliceSize = 20_000): Promise<number> {
  let count = 0;
  for (let from = 0; from < limit; from += sliceSize) {
    count += countPrimes(from, Math.min(from + sliceSize, limit));
    await setImmediate();
  }
  return count;
}
// #endregion partitioned

// #region worker
/**
 * Fix 2: the work on a worker thread. The main loop only waits for a message. For many such jobs,
 * use a pool (piscina) rather than a thread per job: see the performance example.
 */
export function countPrimesInWorker(limit: number): Promise<number> {
  // The worker file beside this one, with this module's own extension: `primes-worker.ts` when run
  // from source (a Worker inherits the main thread's `--import tsx`), `primes-worker.js` once compiled.
  const file = new URL(`./primes-worker${extname(import.meta.url)}`, import.meta.url);
  return answerFromWorker<number>(file, { from: 0, to: limit });
}

/**
 * A worker's one answer. A worker that throws, or exits without answering, rejects the promise:
 * without the 'exit' listener the caller would wait forever for a message that never comes.
 */
export function answerFromWorker<T>(file: URL, workerData: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData });
    worker.once('message', resolve);
    worker.once('error', reject);
    // After an answer or an error the promise is settled, and this later reject does nothing.
    worker.once('exit', (code) =>
      reject(new Error(`${basename(file.pathname)} exited with code ${code} before answering`)),
    );
  });
}
// #endregion worker
