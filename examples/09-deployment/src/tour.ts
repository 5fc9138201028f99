// The guided demos behind `pnpm example deployment <recipe>`; main.ts resolves the services.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, naiveConfig } from './config.js';
import { productionImageProblems } from './dockerfile-policy.js';
import { startService } from './service.js';
import { naiveShutdown } from './shutdown.js';

export interface TourContext {
  databaseUrl: string;
  redisUrl: string;
  smoke: boolean;
}

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Starts the real service in-process on a free port; its exit() is captured so the tour goes on. */
async function demoService(context: TourContext, env: NodeJS.ProcessEnv = {}, naive = false, quiet = false) {
  const logs = new PassThrough();
  logs.on('data', (line: Buffer) => quiet || process.stdout.write(`    log ${line}`));
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    DATABASE_URL: context.databaseUrl,
    REDIS_URL: context.redisUrl,
    REDIS_KEY_PREFIX: 'cookbook:deployment:',
    DB_POOL_MAX: '5',
    LOG_LEVEL: 'info',
    HEALTH_CHECK_TIMEOUT_MS: '500',
    ...env,
  });
  const service = await startService(config, {
    logStream: logs,
    exit: (code) => exited(code),
    ...(naive ? { shutdownWith: naiveShutdown } : {}),
  });
  const stop = () => {
    void service.shutdown('SIGTERM');
    return exitCode;
  };
  return { ...service, stop };
}

async function show(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  console.log(`  GET ${new URL(url).pathname} -> ${response.status} ${await response.text()}`);
  return response.status;
}

export function configDemo(): void {
  console.log('development:', JSON.stringify(loadConfig({ NODE_ENV: 'development' })));
  try {
    loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://cache:6379', PORT: 'eighty' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.log(`production, DATABASE_URL unset and PORT=eighty:\n  ${error.message}`);
  }
  console.log('the Q&A config, same env:', JSON.stringify(naiveConfig({ NODE_ENV: 'production', PORT: 'eighty' })));
  console.log('Look for: one line naming every bad variable; the naive one starts with port "eighty" and no database.');
}

export async function loggingDemo(context: TourContext): Promise<void> {
  const service = await demoService(context);
  await fetch(`${service.url}/api/time?token=qs-secret`, { headers: { authorization: 'Bearer bearer-secret' } });
  await fetch(`${service.url}/api/work?ms=soon`);
  await service.stop();
  console.log('Look for: one JSON line per request with requestId and durationMs; no token, no bearer; 400 at warn.');
}

export async function healthDemo(context: TourContext): Promise<void> {
  const healthy = await demoService(context);
  await show(`${healthy.url}/health/live`);
  await show(`${healthy.url}/health/ready`);
  await healthy.stop();
  const port = await unusedPort();
  const redisDown = await demoService(context, { REDIS_URL: `redis://127.0.0.1:${port}` });
  await show(`${redisDown.url}/health/ready`);
  await show(`${redisDown.url}/health/live`);
  await redisDown.stop();
  console.log(
    'Look for: with Redis unreachable, ready is 503 naming "redis" within the 500 ms timeout; live stays 200.',
  );
}

export async function shutdownDemo(context: TourContext): Promise<void> {
  for (const naive of [false, true]) {
    const service = await demoService(context, {}, naive, true);
    const requests = Array.from({ length: 20 }, () =>
      fetch(`${service.url}/api/work?ms=800`, { headers: { connection: 'close' } }).then(
        (r) => r.status,
        () => 0,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 200)); // let them arrive: a demo, not a test
    const code = await service.stop();
    const statuses = await Promise.all(requests);
    const ok = statuses.filter((s) => s === 200).length;
    console.log(`  ${naive ? 'naive (the Q&A)' : 'graceful'}: ${ok}/20 in-flight requests answered 200; exit(${code})`);
  }
  console.log('Look for: graceful answers all 20; the naive one closes the pool under them (500s) and still exits 0.');
}

export function dockerDemo(): void {
  for (const file of ['Dockerfile', 'Dockerfile.naive']) {
    const problems = productionImageProblems(readFileSync(`${packageDir}/${file}`, 'utf8'));
    console.log(`  ${file}: ${problems.length === 0 ? 'meets the policy' : problems.join('; ')}`);
  }
  const compose = spawnSync('docker-compose', ['-f', `${packageDir}/compose.yaml`, 'config', '-q'], {
    encoding: 'utf8',
  });
  console.log(
    compose.error
      ? '  docker-compose not installed (apt-get install docker-compose) - compose.yaml not checked'
      : `  docker-compose config -q compose.yaml: exit ${compose.status}`,
  );
  console.log('Build it: docker build -f examples/09-deployment/Dockerfile . (from the repo root; not run in CI).');
}

export function unusedPort(): Promise<number> {
  const server = createServer();
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }),
  );
}
