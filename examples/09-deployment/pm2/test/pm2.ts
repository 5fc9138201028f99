import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reservablePort, waitUntil } from '@cookbook/shared/testing';
import type { ProcessDescription, StartOptions } from 'pm2';
import { get } from '../../test/http.js';

type Pm2 = typeof import('pm2');

/**
 * pm2's programmatic API, promisified, bound to a PM2_HOME of the caller's (a temp dir), so the
 * test never talks to a pm2 daemon someone already runs on this machine.
 */
export function pm2Client(home: string) {
  process.env.PM2_HOME = home;
  process.env.PM2_DISCRETE_MODE = 'true';
  // pm2 reads PM2_HOME when it is first loaded, hence the late require.
  const pm2 = createRequire(import.meta.url)('pm2') as Pm2;
  const call = <T>(run: (done: (error: Error | null, value: T) => void) => void) =>
    new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
  return {
    connect: () => call<void>((done) => pm2.connect((error) => done(error, undefined))),
    start: (options: StartOptions) => call<unknown>((done) => pm2.start(options, done)),
    list: () => call<ProcessDescription[]>((done) => pm2.list(done)),
    reload: (name: string) => call<unknown>((done) => pm2.reload(name, done)),
    delete: (name: string) => call<unknown>((done) => pm2.delete(name, done)),
    deleteAll: () => call<unknown>((done) => pm2.delete('all', done)),
    killDaemon: () => call<unknown>((done) => pm2.killDaemon(done)),
    disconnect: () => pm2.disconnect(),
  };
}

export type Pm2Client = ReturnType<typeof pm2Client>;

/** An app of an ecosystem file, with the fields the tests read. */
export type App = StartOptions & {
  name: string;
  env: Record<string, string>;
  kill_timeout?: number;
  wait_ready?: boolean;
};

/** The first app of an ecosystem file, as pm2 would load it. */
export const loadEcosystem = (file: URL) =>
  (createRequire(import.meta.url)(fileURLToPath(file)) as { apps: App[] }).apps[0] as App;

// The service plus the demo's slow route (/api/work), which the production entry does not mount.
const withDemoRoutes: Partial<StartOptions> = {
  script: fileURLToPath(new URL('../../test/serve.ts', import.meta.url)),
  interpreter: 'node',
  node_args: ['--import', 'tsx'],
};

/**
 * A pm2 daemon of the test's own (in `home`) and the apps it starts on free ports, each with `env()`
 * added to its ecosystem's environment (the test's database, Redis, and so on).
 */
export function pm2Fleet(home: string, env: () => Record<string, string>) {
  const pm2 = pm2Client(home);
  /** The METRICS_PORT each app was started with: its worker N serves on that plus N. */
  const metricsPorts = new Map<string, number>();

  /** pid of each online worker, once `count` workers are online. */
  async function onlinePids(count: number, name = 'api'): Promise<number[]> {
    return waitUntil(async () => {
      const online = (await pm2.list()).filter((p) => p.name === name && p.pm2_env?.status === 'online' && p.pid);
      return online.length === count ? online.map((p) => p.pid as number) : undefined;
    }, `${count} online workers`);
  }

  /**
   * Starts `instances` workers of `definition` on a free port, as its ecosystem file says (by default
   * running the demo entry instead of its script), and waits until they answer.
   */
  async function startApp(
    definition: App,
    { script = withDemoRoutes, instances = 2 }: { script?: Partial<StartOptions>; instances?: number } = {},
  ): Promise<string> {
    const port = await reservablePort();
    const metricsPort = await reservablePort(instances); // worker N binds metricsPort + N
    metricsPorts.set(definition.name, metricsPort);
    await pm2.start({
      ...definition,
      ...script,
      instances,
      out_file: join(home, `${definition.name}.out.log`),
      error_file: join(home, `${definition.name}.err.log`),
      env: {
        ...definition.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        // Worker N adds N (NODE_APP_INSTANCE); a free base port, as production's 9464 may be taken here.
        METRICS_PORT: String(metricsPort),
        ...env(),
      },
    } as StartOptions);
    await onlinePids(instances, definition.name);
    const appUrl = `http://127.0.0.1:${port}`;
    await waitUntil(
      () =>
        get(`${appUrl}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        ),
      `${definition.name} to answer`,
    );
    return appUrl;
  }

  return { pm2, metricsPorts, onlinePids, startApp };
}
