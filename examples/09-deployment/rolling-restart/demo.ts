import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recipe } from '@cookbook/shared';
import { demoEnv } from '../test/demo-env.js';
import { haproxyConfig } from './haproxy-config.js';
import { FLEET_CHECKS, startFleet } from './test/fleet.js';
import { measureRoll } from './test/measure-roll.js';

export const rollingRestartDemo = recipe({
  services: ['postgres', 'redis'],
  title: 'three instances behind HAProxy, restarted one at a time under load',
  lookFor: 'each instance goes DOWN in HAProxy before it exits and its replacement is UP before the next; 0 failed.',
  async run(context) {
    if (context.smoke) return void checkConfig(context.log);
    const env = demoEnv(context);
    const fleet = await startFleet({
      databaseUrl: env.DATABASE_URL as string,
      redisUrl: env.REDIS_URL as string,
      redisKeyPrefix: env.REDIS_KEY_PREFIX as string,
    });
    context.defer(() => fleet.stop());
    context.log(
      `HAProxy on ${fleet.url}, in front of ${fleet.instances.map((i) => `${i.name} (pid ${i.pid})`).join(', ')}`,
    );
    const result = await measureRoll(fleet, { onStep: context.log });
    context.log(
      `served ${result.served}, failed ${result.failed}${result.failed ? `: ${result.report.failures.join('; ')}` : ''}`,
    );
    context.log(
      `throughput during the roll / steady: ${result.ratio.toFixed(2)} (${Math.round(result.steadyRps)} req/s steady)`,
    );
  },
});

/** Smoke: the generated configuration, as HAProxy itself judges it (`haproxy -c`), without starting anything. */
function checkConfig(log: (line: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cookbook-roll-smoke-'));
  try {
    const path = join(dir, 'haproxy.cfg');
    const backends = [1, 2, 3].map((i) => ({ name: `api-${i}`, host: '127.0.0.1', port: 3000 + i }));
    writeFileSync(
      path,
      haproxyConfig({ frontendPort: 8080, backends, statsSocket: join(dir, 's.sock'), ...FLEET_CHECKS }),
    );
    log(execFileSync('/usr/sbin/haproxy', ['-c', '-f', path], { encoding: 'utf8' }).trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
