import { Agent } from 'node:http';
import {
  createTestDatabase,
  deleteRedisPrefix,
  redisPrefix,
  type TestDatabase,
  testServices,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllChildren, type RunningChild, spawnTs } from './support/child.js';
import { get } from './support/http.js';

const REQUESTS = 200;
const prefix = redisPrefix('deployment-shutdown');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(testServices().databaseUrl, 'deployment_shutdown');
});

afterAll(async () => {
  killAllChildren();
  await database?.drop();
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

function startServer(extraEnv: NodeJS.ProcessEnv = {}): RunningChild {
  return spawnTs('test/fixtures/serve.ts', {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: database.url,
    REDIS_URL: testServices().redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DB_POOL_MAX: '5',
    LOG_LEVEL: 'info',
    DRAIN_DELAY_MS: '0',
    SHUTDOWN_TIMEOUT_MS: '15000',
    ...extraEnv,
  });
}

async function listeningUrl(server: RunningChild): Promise<string> {
  const entry = await server.waitForLog((e) => e.message === 'listening');
  return String(entry.url);
}

/**
 * Starts REQUESTS slow requests over keep-alive sockets, sends SIGTERM once all have arrived.
 * The client keeps its sockets open until the server exits, as a load balancer's pool would.
 */
async function terminateUnderLoad(server: RunningChild) {
  const url = await listeningUrl(server);
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const replies = Array.from({ length: REQUESTS }, () => get(`${url}/api/work?ms=2000`, agent));
  await server.waitForLog((e) => e.message === 'fixture: requests arrived');
  server.child.kill('SIGTERM');
  const settled = await Promise.allSettled(replies);
  const exit = await server.exited;
  agent.destroy();
  const ok = settled.filter((s) => s.status === 'fulfilled' && s.value.status === 200).length;
  const closing = settled.filter((s) => s.status === 'fulfilled' && s.value.headers.connection === 'close').length;
  return { exit, ok, closing, failed: REQUESTS - ok };
}

describe('graceful shutdown, in a child process', () => {
  it('finishes every in-flight request, refuses new connections, and exits 0', async () => {
    const server = startServer({ ANNOUNCE_AT: String(REQUESTS) });
    const url = listeningUrl(server);
    const stoppedAccepting = server.waitForLog((e) => e.message === 'stopped accepting connections');
    const refused = stoppedAccepting.then(async () =>
      get(`${await url}/health/live`).then(
        () => 'accepted',
        (error: NodeJS.ErrnoException) => error.code,
      ),
    );
    const { exit, ok, closing, failed } = await terminateUnderLoad(server);
    const started = server.stdout.entries.find((e) => e.message === 'shutdown started');
    expect(Number(started?.inFlight)).toBeGreaterThan(0);
    expect({ ok, failed }).toEqual({ ok: REQUESTS, failed: 0 });
    // Each keep-alive client was told to reconnect elsewhere, so no idle socket held the exit back.
    expect(closing).toBe(REQUESTS);
    expect(await refused).toBe('ECONNREFUSED');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.stdout.entries.map((e) => e.message)).toContain('shutdown complete');
  });

  it('the naive handler (the Q&A) fails in-flight requests under the same load, and still exits 0', async () => {
    const server = startServer({ ANNOUNCE_AT: String(REQUESTS), SHUTDOWN_STYLE: 'naive' });
    const { exit, failed } = await terminateUnderLoad(server);
    expect(failed).toBeGreaterThan(0);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('exits 1 at the deadline when a request outlives it', async () => {
    const server = startServer({ ANNOUNCE_AT: '1', SHUTDOWN_TIMEOUT_MS: '1000' });
    const url = await listeningUrl(server);
    const reply = get(`${url}/api/work?ms=30000`).catch((error: NodeJS.ErrnoException) => error.code);
    await server.waitForLog((e) => e.message === 'fixture: requests arrived');
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.stdout.entries.map((e) => e.message)).toContain('shutdown deadline exceeded');
    expect(await reply).toBe('ECONNRESET');
  });

  it('a second signal exits 1 at once instead of waiting for the deadline', async () => {
    const server = startServer({ ANNOUNCE_AT: '1', SHUTDOWN_TIMEOUT_MS: '60000' });
    const url = await listeningUrl(server);
    const reply = get(`${url}/api/work?ms=30000`).catch((error: NodeJS.ErrnoException) => error.code);
    await server.waitForLog((e) => e.message === 'fixture: requests arrived');
    server.child.kill('SIGTERM');
    await server.waitForLog((e) => e.message === 'stopped accepting connections');
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.stdout.entries.map((e) => e.message)).toContain('second signal: exiting now');
    expect(await reply).toBe('ECONNRESET');
  });
});
