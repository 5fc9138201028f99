import { type OwnRedis, startOwnRedis, uniqueName, usePausedBackends, waitUntil } from '@cookbook/shared/testing';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/config.js';
import { signAccessToken } from '../jwt/jwt.js';
import { serverConfig, TEST_SECRET, useUsersDatabase } from '../test/support.js';
import { urlForRole } from '../users/schema.js';
import { insertUser } from '../users/users.js';
import { type RunningServer, startServer } from './server.js';

// Short, so a test waits little; the server's own bounds all derive from it.
const DEPENDENCY_TIMEOUT_MS = 500;
// Far past every bound the server sets, well before vitest's 30 s: a request still open then hangs.
const ANSWERED_WITHIN_MS = 10_000;

const db = useUsersDatabase('security_outage');
const backends = usePausedBackends(() => db.pool);
let redis: OwnRedis | undefined;
let server: RunningServer | undefined;
let token = '';

beforeAll(async () => {
  const ada = await insertUser(db.appPool, { email: 'ada@example.com', passwordHash: 'not a real hash' });
  token = signAccessToken(ada, TEST_SECRET);
});

afterEach(async () => {
  // Before closing: ending a pool waits on its paused backends, quitting on a paused Redis.
  await backends.resumeAll();
  redis?.resume();
  await server?.close();
  await redis?.stop();
  server = undefined;
  vi.restoreAllMocks();
});

/** The configuration production would load, with the test's short timeout and its own Redis. */
const configFor = (redisUrl: string, applicationName = uniqueName('security_outage')): AppConfig =>
  serverConfig(urlForRole(db.url, db.appRole), redisUrl, applicationName, {
    corsOrigins: ['https://app.example.com'],
    bcryptCost: 10,
    rateLimitPrefix: 'rl:',
    dependencyTimeoutMs: DEPENDENCY_TIMEOUT_MS,
  });

/** startServer as production runs it, on a Redis of the test's own. */
async function start(): Promise<{ url: string; applicationName: string }> {
  redis = await startOwnRedis();
  const applicationName = uniqueName('security_outage');
  // The error handler logs each outage to console.error: keep it off the test output, and read it.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  server = await startServer(configFor(redis.url, applicationName));
  return { url: server.url, applicationName };
}

/** GET /api/me as Ada; a fetch still unanswered at ANSWERED_WITHIN_MS fails the test as a hang. */
async function me(url: string): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const res = await fetch(`${url}/api/me`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(ANSWERED_WITHIN_MS),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

/** What each logged outage was caused by, in order. */
const loggedCauses = () => vi.mocked(console.error).mock.calls.map(([error]) => String((error as Error).cause));

const BODY = { error: 'service unavailable, try again later', retryAfter: 5 };
const UNAVAILABLE = { status: 503, retryAfter: '5', body: BODY };

describe('startServer: a dependency that stops answering is a 503 with Retry-After', () => {
  it('Redis paused (SIGSTOP): the rate limiter gives up at its timeout, fails closed, and recovers', async () => {
    const { url } = await start();
    expect((await me(url)).status).toBe(200);
    redis?.pause();
    expect(await me(url)).toEqual(UNAVAILABLE);
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'a password guess' }),
      signal: AbortSignal.timeout(ANSWERED_WITHIN_MS),
    });
    // Not a 401: no password is checked while no limiter can count the attempt.
    expect(login.status).toBe(503);
    expect(loggedCauses()).toEqual(['Error: Command timed out', 'Error: Command timed out']);
    redis?.resume();
    expect((await me(url)).status).toBe(200);
  });

  it('Redis stopped: 503 at once (no offline queue), not a 500 after retries', async () => {
    const { url } = await start();
    expect((await me(url)).status).toBe(200); // the limiters' scripts are loaded
    await redis?.stop();
    // Once the client has seen the connection go (a command in flight then fails with it instead).
    await waitUntil(
      () => vi.mocked(console.warn).mock.calls.some(([line]) => String(line).startsWith('redis: unavailable')),
      'the server to log Redis as unavailable',
    );
    expect(await me(url)).toEqual(UNAVAILABLE);
    expect(await me(url)).toEqual(UNAVAILABLE);
    expect(loggedCauses()).toEqual(Array(2).fill(expect.stringMatching(/enableOfflineQueue options is false/)));
  });

  it('Redis unreachable at startup: refuses to start naming REDIS_URL, rather than serve with unloaded limiters', async () => {
    redis = await startOwnRedis();
    await redis.stop();
    await expect(startServer(configFor(redis.url))).rejects.toThrow(
      /^Invalid configuration: REDIS_URL could not be reached within 500 ms: connect ECONNREFUSED/,
    );
  });

  it('Postgres backend paused: 503 at the client-side query timeout, then a fresh connection serves', async () => {
    const { url, applicationName } = await start();
    const { rows } = await db.pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    expect(rows).toHaveLength(1); // the startup check's connection, idle in the pool
    for (const { pid } of rows) backends.pause(pid);
    expect(await me(url)).toEqual(UNAVAILABLE);
    expect(loggedCauses()).toEqual(['Error: Query read timeout']);
    expect((await me(url)).status).toBe(200);
  });

  it('every pool connection stuck on a lock: those holding one and those queued for one all get 503', async () => {
    const { url } = await start();
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE'); // a migration, say
      // The pool holds 10: ten wait on the lock, the rest wait for a connection.
      const replies = await Promise.all(Array.from({ length: 25 }, () => me(url)));
      expect(replies).toEqual(replies.map(() => UNAVAILABLE));
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    const causes = loggedCauses();
    expect(causes.filter((cause) => cause.includes('canceling statement due to statement timeout'))).not.toEqual([]);
    expect(causes.filter((cause) => cause.includes('timeout exceeded when trying to connect'))).not.toEqual([]);
    expect((await me(url)).status).toBe(200);
  });
});
