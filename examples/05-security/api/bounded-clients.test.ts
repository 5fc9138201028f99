import { startTcpProxy, testServices, uniqueName, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useUsersDatabase } from '../test/support.js';
import { urlForRole } from '../users/schema.js';
import { boundedPool, boundedRedis } from './server.js';

const DEPENDENCY_TIMEOUT_MS = 500;
const db = useUsersDatabase('security_bounded');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the bounded clients say when a dependency goes and comes back, once each', () => {
  it('Postgres ending an idle connection is one warning line, not a crash', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const name = uniqueName('security_start_idle');
    const databaseUrl = new URL(urlForRole(db.url, db.appRole));
    databaseUrl.searchParams.set('application_name', name);
    const pool = boundedPool({ databaseUrl: databaseUrl.toString(), dependencyTimeoutMs: DEPENDENCY_TIMEOUT_MS });
    try {
      await pool.query('SELECT 1');
      await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
      await waitUntil(() => warn.mock.calls.length > 0, 'the pool to warn of its lost connection');
      expect(warn.mock.calls).toEqual([[expect.stringMatching(/^postgres: an idle connection was lost \(.+\)$/)]]);
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('Redis away is one "unavailable" line however often it reconnects, then one "available again"', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const proxy = await startTcpProxy(testServices().redisUrl);
    const client = boundedRedis({ redisUrl: proxy.url(), dependencyTimeoutMs: DEPENDENCY_TIMEOUT_MS });
    try {
      await waitUntil(() => client.status === 'ready', 'the client to be ready');
      proxy.refuse(true);
      proxy.cutAll();
      await waitUntil(() => proxy.refused() >= 3, 'three refused reconnect attempts');
      proxy.refuse(false);
      await waitUntil(() => client.status === 'ready', 'the client to be ready again');
      expect(warn.mock.calls).toEqual([
        [expect.stringMatching(/^redis: unavailable \(.+\)$/)],
        ['redis: available again'],
      ]);
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });
});
