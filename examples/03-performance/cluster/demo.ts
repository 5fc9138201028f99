// This process becomes the primary of a real cluster: one worker per CPU, sharing one port.
import cluster from 'node:cluster';
import { once } from 'node:events';
import { get } from 'node:http';
import { availableParallelism } from 'node:os';
import { portFromEnv, recipe } from '@cookbook/shared';
import { startPrimary } from './cluster.js';
import { clusterWorkerFile } from './cluster-worker.js';

function whoAnswers(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    // agent: false opens a connection per request, so the primary can hand each to a worker.
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    }).on('error', reject);
  });
}

async function listening(count: number): Promise<void> {
  for (let seen = 0; seen < count; seen++) await once(cluster, 'listening');
}

export const clusterDemo = recipe({
  services: [],
  title: 'one worker per CPU on one port, a killed worker replaced, a graceful stop',
  lookFor: 'several pids answering, a replacement pid after the kill, and a clean stop.',
  async run({ smoke, alone, untilStopped, defer, log }) {
    // Run on its own (`pnpm example performance cluster`), the cluster keeps serving until Ctrl-C.
    const keepServing = !smoke && alone;
    const workers = availableParallelism();
    const primary = startPrimary({
      exec: clusterWorkerFile,
      workers,
      port: keepServing ? portFromEnv(3003) : 0,
      maxRestarts: 5,
      windowMs: 60_000,
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      shutdownTimeoutMs: 10_000,
      log: (line) => log(`[primary] ${line}`),
    });
    defer(async () => {
      primary.stop();
      log(`stopped, exit code ${await primary.stopped}`);
    });
    const allListening = listening(workers);
    const url = await primary.ready;
    await allListening;
    log(`primary ${process.pid} serving ${url} with ${workers} workers`);
    const pids = [];
    for (let i = 0; i < (smoke ? 1 : 6); i++) pids.push(await whoAnswers(url));
    log(`answered by: ${pids.join(', ')}`);
    if (!smoke) {
      const victim = pids[0] ?? 0;
      log(`killing worker ${victim} with SIGKILL…`);
      const replaced = listening(1);
      process.kill(victim, 'SIGKILL');
      await replaced;
      const after = [];
      for (let i = 0; i < 4; i++) after.push(await whoAnswers(url));
      log(`answered by: ${after.join(', ')}`);
    }
    if (keepServing) {
      log(`Still serving ${url} (try: curl ${url}/ and curl '${url}/slow?ms=3000'); Ctrl-C drains and stops.`);
      await untilStopped();
    }
  },
});
