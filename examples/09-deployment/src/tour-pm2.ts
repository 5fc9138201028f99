// `pnpm example deployment pm2`: the ecosystem file under a throwaway pm2 daemon.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessDescription, StartOptions } from 'pm2';
import type { TourContext } from './tour.js';
import { unusedPort } from './tour.js';

const require = createRequire(import.meta.url);
const ecosystem = require('../ecosystem.config.cjs') as { apps: (StartOptions & { env: Record<string, string> })[] };

export async function pm2Demo(context: TourContext): Promise<void> {
  const app = ecosystem.apps[0] as (typeof ecosystem.apps)[number];
  const keys = ['name', 'exec_mode', 'instances', 'wait_ready', 'kill_timeout', 'max_memory_restart'];
  const settings = Object.fromEntries(Object.entries(app).filter(([key]) => keys.includes(key)));
  console.log('  ecosystem.config.cjs:', JSON.stringify(settings));
  if (context.smoke) return;
  // Our own PM2_HOME, so this never touches a pm2 you already run.
  const home = mkdtempSync(join(tmpdir(), 'cookbook-pm2-demo-'));
  process.env.PM2_HOME = home;
  process.env.PM2_DISCRETE_MODE = 'true';
  const pm2 = require('pm2') as typeof import('pm2');
  const call = <T>(run: (done: (error: Error | null, value: T) => void) => void) =>
    new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
  const pids = async () =>
    (await call<ProcessDescription[]>((done) => pm2.list(done))).map((p) => `${p.pid}:${p.pm2_env?.status}`);
  const stopDaemon = async () => {
    await call((done) => pm2.delete('all', done)).catch(() => {});
    await call((done) => pm2.killDaemon(done)).catch(() => {});
    pm2.disconnect();
    rmSync(home, { recursive: true, force: true });
  };
  // The daemon runs outside our process group: a Ctrl-C mid-tour must take it down, not orphan it.
  const interrupted = () => void stopDaemon().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await call<void>((done) => pm2.connect((error) => done(error, undefined)));
    const port = await unusedPort();
    const env = { ...app.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: context.databaseUrl };
    await call((done) =>
      pm2.start(
        {
          ...app,
          instances: 2,
          // The ecosystem's own log paths, redirected into the throwaway PM2_HOME.
          out_file: join(home, 'out.log'),
          error_file: join(home, 'err.log'),
          env: { ...env, REDIS_URL: context.redisUrl, DB_POOL_MAX: '3', DRAIN_DELAY_MS: '0' },
        } as StartOptions,
        done,
      ),
    );
    console.log(`  started 2 workers on http://127.0.0.1:${port}:`, await pids());
    for (let i = 0; i < 4; i += 1) {
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/work?ms=1`)).json()) as { pid: number };
      console.log(`  request ${i + 1} served by pid ${body.pid}`);
    }
    await call((done) => pm2.reload('api', done));
    console.log('  after pm2 reload (one worker at a time, each waiting for "ready"):', await pids());
    console.log('Look for: requests alternate between the two pids; after reload both pids are new.');
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stopDaemon();
  }
}
