import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recipe, reservablePort } from '@cookbook/shared';
import type { StartOptions } from 'pm2';
import { demoEnv } from '../test/demo-env.js';
import { pm2Client } from './test/pm2.js';

const require = createRequire(import.meta.url);
const ecosystem = require('./ecosystem.config.cjs') as { apps: (StartOptions & { env: Record<string, string> })[] };

export const pm2Demo = recipe({
  services: ['postgres', 'redis'],
  title: 'cluster mode, reload one worker at a time',
  lookFor: 'requests alternate between the two pids; after the reload both pids are new.',
  async run(context) {
    const app = ecosystem.apps[0] as (typeof ecosystem.apps)[number];
    const keys = ['name', 'exec_mode', 'instances', 'wait_ready', 'kill_timeout', 'max_memory_restart'];
    const settings = Object.fromEntries(Object.entries(app).filter(([key]) => keys.includes(key)));
    context.log(`ecosystem.config.cjs: ${JSON.stringify(settings)}`);
    if (context.smoke) return;
    // Our own PM2_HOME, so this never touches a pm2 you already run; Ctrl-C still takes the daemon down.
    const home = mkdtempSync(join(tmpdir(), 'cookbook-pm2-demo-'));
    const pm2 = pm2Client(home);
    context.defer(async () => {
      await pm2.deleteAll().catch(() => {});
      await pm2.killDaemon().catch(() => {});
      pm2.disconnect();
      rmSync(home, { recursive: true, force: true });
    });
    await pm2.connect();
    const port = await reservablePort();
    const pids = async () => (await pm2.list()).map((p) => `${p.pid}:${p.pm2_env?.status}`);
    await pm2.start({
      ...app,
      // The service plus the demo's /api/work route, which the production entry does not mount.
      script: fileURLToPath(new URL('../test/serve.ts', import.meta.url)),
      interpreter: 'node',
      node_args: ['--import', 'tsx'],
      instances: 2,
      // The ecosystem's own log paths, redirected into the throwaway PM2_HOME.
      out_file: join(home, 'out.log'),
      error_file: join(home, 'err.log'),
      env: {
        ...app.env,
        ...demoEnv(context),
        HOST: '127.0.0.1',
        PORT: String(port),
        DB_POOL_MAX: '3',
        DRAIN_DELAY_MS: '0',
      },
    } as StartOptions);
    context.log(`started 2 workers on http://127.0.0.1:${port}: ${(await pids()).join(' ')}`);
    for (let i = 0; i < 4; i += 1) {
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/work?ms=1`)).json()) as { pid: number };
      context.log(`request ${i + 1} served by pid ${body.pid}`);
    }
    await pm2.reload('api');
    context.log(`after pm2 reload (one worker at a time, each waiting for "ready"): ${(await pids()).join(' ')}`);
  },
});
