import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { withServer } from '@cookbook/shared';

// A client on its own thread, so it keeps asking while the main loop is blocked: one request after
// another (one keep-alive socket), recording the slowest answer since the last 'start'.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let worst = 0;
let answered = 0;
let stopping = false;
parentPort.on('message', (message) => {
  if (message === 'start') worst = 0;
  else stopping = true;
});
function ask() {
  if (stopping) {
    agent.destroy();
    parentPort.postMessage({ worst });
    return;
  }
  const sent = performance.now();
  http.get(workerData.url, { agent }, (res) => {
    res.resume();
    res.on('end', () => {
      worst = Math.max(worst, performance.now() - sent);
      if (++answered === 5) parentPort.postMessage('ready');
      ask();
    });
  });
}
ask();
`;

/**
 * The longest a client waited for an answer while `work` ran (and how long the work took), the client
 * asking without pause from another thread: a request that lands during a block waits for the rest of it.
 */
export async function worstLatencyDuring(work: () => unknown): Promise<{ worstMs: number; workMs: number }> {
  return withServer(
    (_req, res) => res.end('ok'),
    async (url) => {
      const client = new Worker(CLIENT, { eval: true, workerData: { url } });
      try {
        await once(client, 'message'); // 'ready': the client is in its stride
        client.postMessage('start');
        const started = performance.now();
        await work();
        const workMs = performance.now() - started;
        client.postMessage('stop');
        const [{ worst }] = (await once(client, 'message')) as [{ worst: number }];
        return { worstMs: worst, workMs };
      } finally {
        await client.terminate();
      }
    },
  );
}
