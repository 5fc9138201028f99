// The cluster demo: this process becomes the primary of a real cluster for a few seconds.
import cluster from 'node:cluster';
import { once } from 'node:events';
import { get } from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Primary, startPrimary } from './cluster.js';
import type { Tour } from './demo-cpu.js';
import { siblingModule } from './sibling.js';

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

/**
 * Starts the primary; `onStarted` lets main.ts wire Ctrl-C to `primary.stop()`. With `keepServing`
 * (the recipe run on its own) the cluster stays up on `port` after the demo, until Ctrl-C.
 */
export async function clusterDemo(
  tour: Tour,
  onStarted: (primary: Primary) => void = () => {},
  serve: { keepServing: boolean; port: number } = { keepServing: false, port: 0 },
): Promise<void> {
  const workers = availableParallelism();
  tour.heading(`cluster: ${workers} workers (one per CPU) sharing one port`);
  const primary = startPrimary({
    exec: fileURLToPath(siblingModule('cluster-worker', import.meta.url)),
    workers,
    port: serve.port,
    maxRestarts: 5,
    windowMs: 60_000,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    shutdownTimeoutMs: 10_000,
    log: (line) => console.log(`  [primary] ${line}`),
  });
  onStarted(primary);
  const allListening = listening(workers);
  const url = await primary.ready;
  await allListening;
  console.log(`primary ${process.pid} serving ${url}`);
  const pids = [];
  for (let i = 0; i < (tour.smoke ? 1 : 6); i++) pids.push(await whoAnswers(url));
  console.log(`answered by: ${pids.join(', ')}`);
  if (!tour.smoke) {
    const victim = pids[0] ?? 0;
    console.log(`killing worker ${victim} with SIGKILL…`);
    const replaced = listening(1);
    process.kill(victim, 'SIGKILL');
    await replaced;
    const after = [];
    for (let i = 0; i < 4; i++) after.push(await whoAnswers(url));
    console.log(`answered by: ${after.join(', ')}`);
  }
  if (serve.keepServing) {
    console.log(`Still serving ${url} (try: curl ${url}/ and curl '${url}/slow?ms=3000'); Ctrl-C drains and stops.`);
    return;
  }
  primary.stop();
  console.log(`stopped, exit code ${await primary.stopped}`);
  console.log('Look for: several pids answering, a replacement pid after the kill, and a clean stop.');
}
