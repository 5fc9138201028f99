import {
  type OwnRedis,
  startOwnRedis,
  startTcpProxy,
  testServices,
  uniqueName,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/config.js';
import { serverConfig, useUsersDatabase } from '../test/support.js';
import { urlForRole } from '../users/schema.js';
import { type RunningServer, startServer } from './server.js';

const DEPENDENCY_TIMEOUT_MS = 500;

const db = useUsersDatabase('security_start');
let redis: OwnRedis | undefined;
let server: RunningServer | undefined;

afterEach(async () => {
  redis?.resume();
  await server?.close();
  await redis?.stop();
  server = undefined;
  redis = undefined;
  vi.restoreAllMocks();
});

/** The configuration production would load, connecting as `databaseUrl`'s user under its own application_name. */
const configFor = (redisUrl: string, databaseUrl: string, applicationName: string): AppConfig =>
  serverConfig(databaseUrl, redisUrl, applicationName, { dependencyTimeoutMs: DEPENDENCY_TIMEOUT_MS });

/** Until no connection named `applicationName` is left on Postgres (a closed one leaves the list a moment later). */
async function noConnectionsOf(applicationName: string): Promise<void> {
  await waitUntil(
    async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return rows[0]?.n === 0;
    },
    `no connection of ${applicationName} on Postgres`,
    5_000,
  );
}

/** The clients connected to `redisUrl`, other than the one asking. */
async function redisClients(redisUrl: string): Promise<number> {
  const probe = new Redis(redisUrl);
  try {
    const list = String(await probe.client('LIST'));
    return list.trim().split('\n').length - 1;
  } finally {
    probe.disconnect();
  }
}

describe('startServer refuses to start, and leaves nothing open', () => {
  it('as a superuser: names DATABASE_URL, and its pool is closed', async () => {
    redis = await startOwnRedis();
    const name = uniqueName('security_start_su');
    await expect(startServer(configFor(redis.url, db.url, name))).rejects.toThrow(
      /^Invalid configuration: DATABASE_URL connects as the superuser "postgres"; connect as a role like createAppRole makes/,
    );
    await noConnectionsOf(name);
  });

  it('with a Redis that accepts but does not answer: "no answer in time", and neither client stays', async () => {
    redis = await startOwnRedis();
    redis.pause();
    const name = uniqueName('security_start_paused');
    await expect(startServer(configFor(redis.url, urlForRole(db.url, db.appRole), name))).rejects.toThrow(
      `Invalid configuration: REDIS_URL could not be reached within ${DEPENDENCY_TIMEOUT_MS} ms: no answer in time`,
    );
    await noConnectionsOf(name);
    // Resumed, Redis answers what it held: a client that was not disconnected reconnects within a few
    // hundred ms of its retry delay, and stays. Ours never comes: two seconds of samples see nobody.
    redis.resume();
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      seen.push(await redisClients(redis.url));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toEqual(seen.map(() => 0));
  });
});

describe('startServer, running: its Redis keys, and a close that leaves nothing open', () => {
  it('counts the API and the login limits under their own keys, both under the configured prefix', async () => {
    redis = await startOwnRedis();
    const config = configFor(redis.url, urlForRole(db.url, db.appRole), uniqueName('security_start_keys'));
    server = await startServer(config);
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401);
    const login = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'a long enough guess' }),
    });
    expect(login.status).toBe(401);
    const probe = new Redis(redis.url);
    try {
      const keys = await probe.keys('*');
      expect(keys.every((key) => key.startsWith(config.rateLimitPrefix))).toBe(true);
      expect(keys.filter((key) => key.startsWith(`${config.rateLimitPrefix}api:`))).toHaveLength(1);
      expect(keys.filter((key) => key.startsWith(`${config.rateLimitPrefix}login:`))).toHaveLength(1);
    } finally {
      probe.disconnect();
    }
  });

  it('close() stops listening and closes the pool and the Redis connection', async () => {
    redis = await startOwnRedis();
    const name = uniqueName('security_start_close');
    const running = await startServer(configFor(redis.url, urlForRole(db.url, db.appRole), name));
    expect((await fetch(`${running.url}/api/me`)).status).toBe(401);
    await running.close();
    await expect(fetch(`${running.url}/api/me`)).rejects.toThrow();
    await noConnectionsOf(name);
    expect(await redisClients(redis.url)).toBe(0);
  });

  it('close() with Redis away drops the client instead of leaving it reconnecting', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const proxy = await startTcpProxy(testServices().redisUrl);
    try {
      const running = await startServer(
        configFor(proxy.url(), urlForRole(db.url, db.appRole), uniqueName('security_start_away')),
      );
      // Once the limiters' scripts are loaded.
      expect((await fetch(`${running.url}/api/me`)).status).toBe(401);
      proxy.refuse(true);
      proxy.cutAll();
      await waitUntil(() => proxy.refused() >= 1, 'the client to try to reconnect');
      await running.close();
      const refusedAtClose = proxy.refused();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(proxy.refused()).toBe(refusedAtClose);
    } finally {
      await proxy.close();
    }
  });
});
