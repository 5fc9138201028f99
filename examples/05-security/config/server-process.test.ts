import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  deleteRedisPrefix,
  type Fixture,
  redisPrefix,
  spawnFixture,
  testServices,
  uniqueName,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useUsersDatabase } from '../test/support.js';
import { urlForRole } from '../users/schema.js';
import { CONFIG_SPEC } from './config.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const db = useUsersDatabase('security_server');
const prefix = redisPrefix('security_server');
const servers: Fixture[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

/**
 * Starts `api/server.ts` with exactly `env` for the variables the config reads: every one of them
 * the test runner happens to have (a JWT_SECRET, a DATABASE_URL) is unset, so nothing leaks in.
 */
function startServer(env: Record<string, string>): Fixture {
  const unset = Object.fromEntries(Object.keys(CONFIG_SPEC).map((name) => [name, undefined]));
  const server = spawnFixture(new URL('../api/server.ts', import.meta.url), {
    cwd: packageDir,
    env: { ...unset, ...env },
  });
  servers.push(server);
  return server;
}

const serviceEnv = () => ({
  DATABASE_URL: urlForRole(db.url, db.appRole),
  REDIS_URL: testServices().redisUrl,
  CORS_ORIGINS: 'https://app.example.com',
  PORT: '0',
  RATE_LIMIT_PREFIX: prefix,
});

// Concurrent: each child pays tsx's start-up (seconds on a loaded machine), so overlap them.
describe.concurrent('config: the server process', () => {
  it('exits 1 with one line naming JWT_SECRET when it is missing, before listening', async () => {
    const server = startServer(serviceEnv());
    expect(await server.exited).toBe(1);
    expect(server.errors.join('\n').trim()).toBe('Invalid configuration: JWT_SECRET is missing');
    expect(server.lines.join('\n')).not.toContain('listening');
  });

  it('exits 1 naming JWT_SECRET when it is too short, without echoing it', async () => {
    const server = startServer({ ...serviceEnv(), JWT_SECRET: 'hunter2' });
    expect(await server.exited).toBe(1);
    const stderr = server.errors.join('\n').trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toContain('JWT_SECRET must be at least 32 characters');
    expect(stderr).not.toContain('hunter2');
  });

  it('exits 1 naming DATABASE_URL when it connects as a superuser, before listening', async () => {
    const server = startServer({
      ...serviceEnv(),
      DATABASE_URL: db.url,
      JWT_SECRET: 'a-valid-secret-0123456789abcdef-0123',
    });
    expect(await server.exited).toBe(1);
    expect(server.errors.join('\n').trim()).toBe(
      'Invalid configuration: DATABASE_URL connects as the superuser "postgres"; connect as a role like createAppRole makes (users/schema.ts)',
    );
    expect(server.lines.join('\n')).not.toContain('listening');
  });

  it('starts with a valid environment, answers, and stops cleanly on SIGTERM', async () => {
    const server = startServer({ ...serviceEnv(), JWT_SECRET: 'a-valid-secret-0123456789abcdef-0123' });
    const [, url] = await server.waitForLine(/listening on (\S+)/);
    const res = await fetch(`${url}/api/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('ratelimit-policy')).toContain('q=100');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines).toContain('SIGTERM: closing');
  });

  it('stops as cleanly on Ctrl-C (SIGINT)', async () => {
    const server = startServer({ ...serviceEnv(), JWT_SECRET: 'a-valid-secret-0123456789abcdef-0123' });
    await server.waitForLine(/listening on (\S+)/);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.lines).toContain('SIGINT: closing');
  });

  it('exits 1 with the whole error, stack and all, when it fails for a reason that is not configuration', async () => {
    // The port is taken: not the operator's typo, so the trace is worth having.
    const taken = createServer();
    await once(taken.listen(0, '127.0.0.1'), 'listening');
    try {
      const { port } = taken.address() as AddressInfo;
      const server = startServer({
        ...serviceEnv(),
        PORT: String(port),
        JWT_SECRET: 'a-valid-secret-0123456789abcdef-0123',
      });
      expect(await server.exited).toBe(1);
      const stderr = server.errors.join('\n');
      expect(stderr).toContain(`Error: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
      expect(stderr).toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('keeps serving when Postgres ends its idle connections, as a restart or failover does', async () => {
    // Its own application_name: the other servers of this file share the database and the role.
    const name = uniqueName('security_server_restart');
    const databaseUrl = new URL(urlForRole(db.url, db.appRole));
    databaseUrl.searchParams.set('application_name', name);
    const server = startServer({
      ...serviceEnv(),
      DATABASE_URL: databaseUrl.toString(),
      JWT_SECRET: 'a-valid-secret-0123456789abcdef-0123',
      BCRYPT_COST: '10',
    });
    const [, url] = await server.waitForLine(/listening on (\S+)/);
    const register = () =>
      fetch(`${url}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'grace@example.com', password: 'compiler compiler' }),
      });
    expect((await register()).status).toBe(202);

    // The request is answered, so its connection sits idle in the pool: end it from Postgres' side.
    const { rowCount } = await db.pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
      [name],
    );
    expect(rowCount).toBeGreaterThan(0);
    await waitUntil(
      () => server.child.exitCode !== null || server.errors.some((line) => line.includes('idle connection')),
      'the server to notice its lost connection',
    );
    expect(server.child.exitCode, server.errors.join('\n')).toBeNull();
    expect(server.errors.filter((line) => line.includes('idle connection'))).toHaveLength(1);

    // The pool dropped the dead connection and opens a new one for the next request.
    expect((await register()).status).toBe(202);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
