// The seed's worker.js: started once per request, computes, posts the result and exits.
// Plain JavaScript on purpose: on Node 20 a TypeScript loader does not apply to a Worker's entry file.
import { parentPort, workerData } from 'node:worker_threads';

function fibonacci(n) {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

parentPort.postMessage(fibonacci(Number(workerData)));
