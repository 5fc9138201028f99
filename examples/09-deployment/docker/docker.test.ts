import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  deleteRedisPrefix,
  redisPrefix,
  reservablePort,
  type TestDatabase,
  testServices,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../telemetry/test/otlp-receiver.js';
import { get } from '../test/http.js';
import { parseDockerfile } from './test/dockerfile-policy.js';
import { assembleRuntime, dockerignore, readText, rehearseBuildStage } from './test/rehearsal.js';
import { killStarted, runNode } from './test/run-node.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '../../..');
const dockerfile = readText(join(here, 'Dockerfile'));

describe('the image, rehearsed without a Docker engine', () => {
  const work = mkdtempSync(join(tmpdir(), 'cookbook-image-'));
  const app = join(work, 'app');
  const prefix = redisPrefix('deployment-docker');
  let database: TestDatabase;

  beforeAll(() => {
    const [build, runtime] = parseDockerfile(dockerfile);
    if (!build || !runtime) throw new Error('expected a build and a runtime stage');
    const ignored = dockerignore(readText(join(here, 'Dockerfile.dockerignore')));
    rehearseBuildStage(build, repoRoot, ignored, join(work, 'build'));
    assembleRuntime(runtime, join(work, 'build'), app);
  }, 120_000);

  afterAll(async () => {
    killStarted();
    rmSync(work, { recursive: true, force: true });
    await database?.drop();
    const redis = new Redis(testServices().redisUrl);
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  });

  it('holds compiled JavaScript and production dependencies only', () => {
    expect(existsSync(join(app, 'dist/service/start.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/src/main.js'))).toBe(false);
    const modules = readdirSync(join(app, 'node_modules'));
    expect(modules).toEqual(expect.arrayContaining(['express', 'pg', 'ioredis', 'winston', 'envalid']));
    for (const dev of ['typescript', 'tsx', 'vitest', 'supertest', '@types', '@cookbook'])
      expect(modules).not.toContain(dev);
  });

  it('ships no test helper, demo or demo route: only what the service runs', () => {
    const shipped = readdirSync(join(app, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js'),
    );
    expect(shipped).toContain('docker/liveness-probe.js');
    for (const file of shipped) {
      expect(file).not.toMatch(/dockerfile-policy|work-routes|demo\.js$|\.test\.js$|(^|\/)test\//);
    }
  });

  /** The image's CMD with its ENV and `env`, and its HEALTHCHECK command against a port. */
  async function startImage(env: NodeJS.ProcessEnv) {
    database ??= await createTestDatabase(testServices().databaseUrl, 'deployment_docker');
    const runtime = parseDockerfile(dockerfile)[1];
    const cmd = JSON.parse(runtime?.instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];
    const probe = JSON.parse(
      /CMD (\[.*\])$/.exec(runtime?.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '')?.[1] ?? '[]',
    ) as string[];
    const port = String(await reservablePort());
    const base = {
      NODE_ENV: 'production',
      PORT: port,
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
    };
    const server = await runNode(cmd.slice(1), { ...base, REDIS_KEY_PREFIX: prefix, DRAIN_DELAY_MS: '0', ...env }, app);
    const healthcheck = (p = port) =>
      spawnSync(process.execPath, probe.slice(1), { cwd: app, env: { PORT: p } }).status;
    return { ...server, url: `http://127.0.0.1:${port}`, healthcheck };
  }

  it('starts with its CMD and ENV, and its HEALTHCHECK passes then fails when nothing answers', async () => {
    const image = await startImage({ REDIS_URL: testServices().redisUrl });
    expect(image.healthcheck()).toBe(0);
    // The production entry mounts no demo route.
    expect((await get(`${image.url}/api/work?ms=1`)).status).toBe(404);
    expect(image.healthcheck(String(await reservablePort()))).toBe(1);
    image.child.kill('SIGTERM');
    expect(await image.exited).toBe(0);
  });

  it('traces with its CMD: the compiled telemetry entry loads before the service, so Express and pg are patched', async () => {
    const otlp = await startOtlpReceiver();
    try {
      const image = await startImage({
        REDIS_URL: testServices().redisUrl,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
        OTEL_TRACES_SAMPLER_ARG: '1',
      });
      expect((await get(`${image.url}/api/time`)).status).toBe(200);
      image.child.kill('SIGTERM');
      expect(await image.exited).toBe(0); // shutdown's last closer flushed the spans
      const root = otlp.spans.find((s) => s.kind === 1 && s.attributes['http.route'] === '/api/time');
      const trace = otlp.spans.filter((s) => s.traceId === root?.traceId).map((s) => s.name);
      expect(trace).toEqual(expect.arrayContaining(['request handler', 'pg-pool.connect', 'incr']));
      const line = image.lines.find((l) => l.includes('"path":"/api/time"'));
      expect(JSON.parse(line ?? '{}')).toMatchObject({ trace_id: root?.traceId, trace_flags: '01' });
    } finally {
      await otlp.close();
    }
  });

  it('stays healthy while Redis is down and readiness says 503: an outage must not restart the fleet', async () => {
    const image = await startImage({ REDIS_URL: `redis://127.0.0.1:${await reservablePort()}` });
    expect((await get(`${image.url}/health/ready`)).status).toBe(503);
    expect(image.healthcheck()).toBe(0);
    image.child.kill('SIGTERM');
    expect(await image.exited).toBe(0);
  });
});
