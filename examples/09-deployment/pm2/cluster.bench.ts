// pm2 cluster mode, one worker vs two, on this machine's cores; the load generator shares them.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reservablePort, resolveServices } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import type { StartOptions } from 'pm2';
import { pm2Client } from './test/pm2.js';

const SECONDS = 6;
const CONNECTIONS = 32;

const require = createRequire(import.meta.url);
const app = (require('./ecosystem.config.cjs') as { apps: (StartOptions & { env: Record<string, string> })[] }).apps[0];
const home = mkdtempSync(join(tmpdir(), 'cookbook-pm2-bench-'));
const pm2 = pm2Client(home);

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntilAnswering(url: string, agent: Agent): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await get(url, agent).catch(() => 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never answered`);
}

/** Requests per second over SECONDS with CONNECTIONS keep-alive connections, after a 1 s warm-up. */
async function load(url: string): Promise<{ rps: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  await waitUntilAnswering(url, agent);
  let counting = false;
  let stop = false;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (!stop) {
      const status = await get(url, agent).catch(() => 0);
      if (!counting) continue;
      if (status === 200) done += 1;
      else errors += 1;
    }
  };
  const workers = Array.from({ length: CONNECTIONS }, worker);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  counting = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1_000));
  const elapsed = (performance.now() - started) / 1_000;
  counting = false;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  return { rps: done / elapsed, errors };
}

async function measure(instances: number, env: Record<string, string>) {
  const port = await reservablePort();
  const name = `bench-${instances}`;
  await pm2.start({
    ...app,
    name,
    instances,
    // The ecosystem's own log paths, redirected into the throwaway PM2_HOME.
    out_file: join(home, 'out.log'),
    error_file: join(home, 'err.log'),
    env: { ...env, PORT: String(port) },
  } as StartOptions);
  try {
    return await load(`http://127.0.0.1:${port}/health/live`);
  } finally {
    await pm2.delete(name);
  }
}

// The ecosystem runs the compiled service, as a VM deploy would after `pnpm build`.
execFileSync('pnpm', ['run', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
const services = await resolveServices(['postgres', 'redis']);
try {
  await pm2.connect();
  const env = {
    ...app?.env,
    HOST: '127.0.0.1',
    DATABASE_URL: services.databaseUrl as string,
    REDIS_URL: services.redisUrl as string,
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '2',
  };
  const one = await measure(1, env);
  const two = await measure(2, env);
  reportBench(
    'pm2-cluster',
    markdownTable(
      ['workers (pm2 cluster mode)', 'GET /health/live req/s', 'errors', 'vs one worker'],
      [
        ['1', one.rps, one.errors, '1x'],
        ['2', two.rps, two.errors, ratio(two.rps, one.rps)],
      ],
      0,
    ),
  );
} finally {
  await pm2.deleteAll().catch(() => {});
  await pm2.killDaemon().catch(() => {});
  pm2.disconnect();
  rmSync(home, { recursive: true, force: true });
  await services.stop();
}
// pm2's client keeps the loop alive after disconnect(); everything above is closed.
process.exit(0);
