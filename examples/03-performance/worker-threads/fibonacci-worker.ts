// The seed's worker.js: started once per request, computes, posts the result and exits.
// Self-contained (no relative import), so it starts with no TypeScript loader at all: Node 22.18+
// strips a Worker entry's types itself, as compiled code would need nothing.
import { parentPort, workerData } from 'node:worker_threads';

/** This file as a thread's entry: `.ts` from source, `.js` once compiled. */
export const fibonacciWorkerFile = new URL(import.meta.url);

function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

// Only a thread started on this file computes; importing it for its path does nothing.
if (parentPort) parentPort.postMessage(fibonacci(Number(workerData)));
