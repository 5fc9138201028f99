import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Fixture, reservablePort, waitUntil } from '@cookbook/shared/testing';
import { exitCode, spawnService } from '../../test/spawn-service.js';
import { type Haproxy, startHaproxy } from '../haproxy.js';
import { type Backend, haproxyConfig } from '../haproxy-config.js';
import type { Instance } from '../roll.js';

export interface Fleet {
  url: string;
  config: string;
  statsSocket: string;
  haproxy: Haproxy;
  instances: Instance[];
  start(name: string): Promise<Instance>;
  stop(): Promise<void>;
}

export interface FleetOptions {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  size?: number;
}

/** Probe every 200 ms, DOWN after 2 failures: HAProxy takes a draining instance out within about 0.4 s. */
export const FLEET_CHECKS = {
  readinessPath: '/health/ready',
  checkIntervalMs: 200,
  checkTimeoutMs: 2_000,
  fall: 2,
  rise: 1,
};
/** How long an instance keeps serving after SIGTERM: several times what HAProxy needs to notice, on a busy machine. */
const DRAIN_DELAY_MS = 2_500;

/** `size` real service processes (production config, one Redis prefix) behind a real HAProxy, all on free ports. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), 'cookbook-roll-'));
  const backends: Backend[] = [];
  for (let i = 1; i <= (options.size ?? 3); i += 1) {
    backends.push({ name: `api-${i}`, host: '127.0.0.1', port: await reservablePort() });
  }
  const running = new Map<string, Fixture>();
  const start = async (name: string): Promise<Instance> => {
    const backend = backends.find((b) => b.name === name);
    if (!backend) throw new Error(`no backend named ${name}`);
    const fixture = spawnService(new URL('./instance.ts', import.meta.url), {
      NODE_ENV: 'production',
      HOST: backend.host,
      PORT: String(backend.port),
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
      LOG_LEVEL: 'warn',
      DB_POOL_MAX: '3',
      DRAIN_DELAY_MS: String(DRAIN_DELAY_MS),
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    running.set(name, fixture);
    return {
      name,
      pid: fixture.child.pid ?? 0,
      terminate: () => fixture.child.kill('SIGTERM'),
      exited: exitCode(fixture),
    };
  };
  const instances = await Promise.all(backends.map((b) => start(b.name)));
  const frontendPort = await reservablePort();
  const statsSocket = join(dir, 'haproxy.sock');
  const config = haproxyConfig({ frontendPort, backends, statsSocket, ...FLEET_CHECKS });
  let started: Haproxy | undefined;
  try {
    // HAProxy assumes a server UP until `fall` probes fail: start it only once every instance is ready.
    await Promise.all(
      backends.map((b) =>
        waitUntil(() => ready(b, running.get(b.name)), `${b.name} ready on port ${b.port}`, 90_000, 100),
      ),
    );
    started = await startHaproxy({
      config,
      configPath: join(dir, 'haproxy.cfg'),
      statsSocket,
      backend: 'instances',
      binary: '/usr/sbin/haproxy',
    });
    for (const b of backends) await started.waitFor(b.name, 'UP', 60_000);
  } catch (error) {
    // Nothing of a fleet that failed to start is left running.
    await started?.stop();
    await Promise.all([...running.values()].map((fixture) => fixture.kill()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const haproxy = started;
  return {
    url: `http://127.0.0.1:${frontendPort}`,
    config,
    statsSocket,
    haproxy,
    instances,
    start,
    async stop() {
      await haproxy.stop();
      for (const instance of instances) instance.terminate();
      await Promise.all(instances.map((i) => i.exited));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Ready yet? An instance that died instead fails the wait at once, with what it printed. */
const ready = (b: Backend, fixture: Fixture | undefined) => {
  if (fixture && fixture.child.exitCode !== null) {
    throw new Error(
      `${b.name} exited ${fixture.child.exitCode} before it was ready:\n${fixture.errors.join('\n')}\n${fixture.lines.join('\n')}`,
    );
  }
  return fetch(`http://${b.host}:${b.port}/health/ready`).then(
    (res) => res.status === 200,
    () => false,
  );
};
