import { parentPort, workerData } from 'node:worker_threads';
import { countPrimes } from './primes.js';

// Runs on its own thread with its own event loop: this loop may block, the main one never does.
const { from, to } = workerData as { from: number; to: number };
// Stryker disable next-line OptionalChaining: parentPort is set on every worker thread, the only place this file runs.
parentPort?.postMessage(countPrimes(from, to));
