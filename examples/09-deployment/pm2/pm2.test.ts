import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  deleteRedisPrefix,
  redisPrefix,
  type TestDatabase,
  testServices,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { get } from '../test/http.js';
import { servedBy, underLoad } from './test/load.js';
import { loadEcosystem, pm2Fleet } from './test/pm2.js';

const app = loadEcosystem(new URL('./ecosystem.config.cjs', import.meta.url));
const naiveApp = loadEcosystem(new URL('./ecosystem.naive.cjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'cookbook-pm2-'));
const prefix = redisPrefix('deployment-pm2');
let database: TestDatabase;
let url: string;
let naiveUrl: string;

// What every app here runs against: this file's database and Redis prefix.
const { pm2, metricsPorts, onlinePids, startApp } = pm2Fleet(home, () => ({
  DATABASE_URL: database.url,
  REDIS_URL: testServices().redisUrl,
  REDIS_KEY_PREFIX: prefix,
  DB_POOL_MAX: '3',
  // No load balancer polls /health/ready here: pm2's own primary stops routing to a closing worker.
  DRAIN_DELAY_MS: '0',
}));

beforeAll(async () => {
  database = await createTestDatabase(testServices().databaseUrl, 'deployment_pm2');
  await pm2.connect();
  // Both ecosystems at once: their start-ups (tsx in every worker) overlap instead of adding up.
  // One naive worker is enough to show its kill: every in-flight request is on it.
  [url, naiveUrl] = await Promise.all([startApp(app), startApp(naiveApp, { instances: 1 })]);
}, 60_000);

afterAll(async () => {
  try {
    await pm2?.deleteAll().catch(() => {});
    await pm2?.killDaemon().catch(() => {});
    pm2?.disconnect();
  } finally {
    rmSync(home, { recursive: true, force: true });
    await database?.drop();
    const redis = new Redis(testServices().redisUrl);
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
  }
}, 60_000);

describe('ecosystem.config.cjs', () => {
  it('runs the compiled service with plain node, as written: no tsx in production', async () => {
    // What a VM deploy does before `pm2 start`; the Docker image builds the same way.
    execFileSync('pnpm', ['run', 'build'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'pipe' });
    const built = { ...app, name: 'api-built' };
    const builtUrl = await startApp(built, { script: {}, instances: 1 });
    try {
      expect((await get(`${builtUrl}/api/time`)).status).toBe(200);
      const [worker] = (await pm2.list()).filter((p) => p.name === 'api-built');
      expect(worker?.pm2_env?.pm_exec_path).toMatch(/\/dist\/service\/start\.js$/);
      expect(JSON.stringify(app)).not.toContain('tsx');
      // node_args' --import loaded the compiled tracing first: the request line carries its trace.
      const line = await waitUntil(() => {
        const path = join(home, 'api-built.out.log');
        const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
        return text.split('\n').find((l) => l.includes('"path":"/api/time"'));
      }, 'the request line');
      expect(JSON.parse(line)).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    } finally {
      await pm2.delete('api-built');
    }
  }, 60_000); // a build, then a worker that loads the tracing SDK

  it('gives pm2 more time than the app gives itself, so the app always exits on its own', () => {
    const config = loadConfig({ ...app.env, DATABASE_URL: 'postgres://db/app', REDIS_URL: 'redis://cache' });
    expect(app.kill_timeout).toBeGreaterThan(config.shutdownTimeoutMs);
    expect(app).toMatchObject({ exec_mode: 'cluster', wait_ready: true, max_memory_restart: '512M' });
    // The Q&A's file leaves pm2's default: SIGKILL 1.6 s after asking a worker to stop.
    expect(naiveApp.kill_timeout).toBeUndefined();
  });
});

describe('pm2 cluster mode, driven through its API', () => {
  it('restarts a killed worker while the other keeps answering', async () => {
    const [victim, survivor] = await onlinePids(2);
    process.kill(victim as number, 'SIGKILL');
    await waitUntil(
      async () => !(await pm2.list()).some((p) => p.pid === victim && p.pm2_env?.status === 'online'),
      'pm2 to notice the death',
    );
    const served: number[] = [];
    let replacement: number[] = [];
    while (replacement.length === 0) {
      served.push(await servedBy(url));
      const online = (await pm2.list()).filter(
        (p) => p.name === 'api' && p.pm2_env?.status === 'online' && p.pid !== survivor,
      );
      replacement = online.map((p) => p.pid as number);
    }
    expect(served.length).toBeGreaterThan(0);
    expect(new Set(served)).toEqual(new Set([survivor]));
    const restarted = (await pm2.list()).find((p) => p.pid === replacement[0]);
    expect(restarted?.pm2_env?.restart_time).toBe(1);
  });

  it("reloads under load without failing a single request, where the Q&A's ecosystem kills requests after 1.6 s", async () => {
    const before = await onlinePids(2);
    // pm2 runs one reload at a time, daemon-wide: these two cannot overlap.
    const outcomes = await underLoad(url, () => pm2.reload('api'));
    const naive = await underLoad(naiveUrl, () => pm2.reload(naiveApp.name));
    const after = await onlinePids(2);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
    expect(outcomes.failed).toBe(0);
    expect(outcomes.ok).toBeGreaterThan(4);
    // Requests were served by the old workers and by their replacements.
    expect([...outcomes.pids].some((pid) => before.includes(pid))).toBe(true);
    expect([...outcomes.pids].some((pid) => after.includes(pid))).toBe(true);
    // pm2's default kill_timeout SIGKILLs the naive workers with requests still in flight.
    expect(naive.failed).toBeGreaterThan(0);
  }, 120_000); // two reloads one after the other, each waiting on 3 s requests and a worker start-up

  it('gives each worker a metrics port of its own, so a scrape never lands on a random worker', async () => {
    const base = metricsPorts.get('api') as number;
    const scrape = (port: number) => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const [first, second] = await Promise.all([scrape(base), scrape(base + 1)]);
    const started = (text: string) => /^process_start_time_seconds (\d+)/m.exec(text)?.[1];
    expect(started(first)).toBeDefined();
    expect(started(second)).toBeDefined();
  });

  it('writes the JSON request logs to the files the ecosystem names', async () => {
    const lines = await waitUntil(() => {
      const path = join(home, `${app.name}.out.log`);
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const found = text.split('\n').filter((line) => line.includes('"message":"request"'));
      return found.length > 0 ? found : undefined;
    }, 'request lines in the pm2 log');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ service: 'api', method: 'GET' });
  });
});
