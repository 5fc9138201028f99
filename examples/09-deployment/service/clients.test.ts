import { useTestDatabase } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { createClients } from './clients.js';
import { DependencyUnavailableError, dependency } from './dependencies.js';

const DEPENDENCY_TIMEOUT_MS = 300;
const database = useTestDatabase('deployment_clients');

describe('createClients', () => {
  const settings = () => ({
    databaseUrl: database.url,
    dbPoolMax: 2,
    redisUrl: 'redis://127.0.0.1:1',
    redisKeyPrefix: 'unused:',
    dependencyTimeoutMs: DEPENDENCY_TIMEOUT_MS,
  });

  it('gives every client a connect timeout, including Redis (a dropped SYN cannot be staged on loopback)', () => {
    const { pool, redis: client } = createClients(settings());
    client.disconnect();
    expect(client.options.connectTimeout).toBe(DEPENDENCY_TIMEOUT_MS);
    expect(pool.options.connectionTimeoutMillis).toBe(DEPENDENCY_TIMEOUT_MS);
    return pool.end();
  });

  it('has the server cancel a slow query, so its backend does not sleep on after the caller gave up', async () => {
    const { pool, redis: client } = createClients(settings());
    client.disconnect();
    const marker = `slow-${process.pid}-${Date.now()}`;
    try {
      const slow = dependency('postgres', () => pool.query(`SELECT pg_sleep(5) /* ${marker} */`));
      await expect(slow).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(slow).rejects.toMatchObject({ cause: { code: '57014' } });
      const admin = database.pool({ max: 1 });
      const sleeping = await admin.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'", [
        `%${marker}%`,
      ]);
      expect(sleeping.rowCount).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
