import { randomBytes } from 'node:crypto';
import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, leakyWithClient, naivePool, PoolTimeoutError, queryWithNewClient, withClient } from './pooling.js';

const database = useTestDatabase('pooling');
let observer: pg.Client;

beforeAll(async () => {
  observer = new pg.Client({ connectionString: database.url });
  await observer.connect();
});
afterAll(() => observer.end());

/** Runs `work` while sampling how many server connections carry `appName`; returns the peak. */
async function peakConnections(appName: string, work: () => Promise<unknown>): Promise<number> {
  let peak = 0;
  let running = true;
  const sampling = (async () => {
    while (running) {
      const { rows } = await observer.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [appName],
      );
      peak = Math.max(peak, rows[0]?.n ?? 0);
    }
  })();
  await work();
  running = false;
  await sampling;
  return peak;
}

const SLOW_QUERY = 'SELECT pg_sleep(0.05)';

describe('pooling', () => {
  it('20 concurrent requests: the pool never opens more than max; a client per request opens ~20', async () => {
    const pooledName = `pool_${randomBytes(3).toString('hex')}`;
    const pool = database.adopt(createPool(database.url, 4, pooledName));
    const pooledPeak = await peakConnections(pooledName, () =>
      Promise.all(Array.from({ length: 20 }, () => pool.query(SLOW_QUERY))),
    );
    const naiveName = `naive_${randomBytes(3).toString('hex')}`;
    const naivePeak = await peakConnections(naiveName, () =>
      Promise.all(Array.from({ length: 20 }, () => queryWithNewClient(database.url, SLOW_QUERY, [], naiveName))),
    );
    expect(pooledPeak).toBeGreaterThanOrEqual(2);
    expect(pooledPeak).toBeLessThanOrEqual(4);
    expect(naivePeak).toBeGreaterThan(4);
    // Each closes its connection when done; else the 20 would stay open until the process exits.
    await waitUntil(
      async () => {
        const { rows } = await observer.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
          [naiveName],
        );
        return rows[0]?.n === 0;
      },
      'the naive clients to close their connections',
      5_000,
    );
  });

  it('a query that throws still releases its client', async () => {
    const pool = database.adopt(createPool(database.url, 2));
    for (let i = 0; i < 10; i++) {
      await expect(withClient(pool, (client) => client.query('SELECT * FROM no_such_table'))).rejects.toThrow(
        /does not exist/,
      );
    }
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(await withClient(pool, (client) => client.query('SELECT 1 AS one'))).toHaveProperty('rows', [{ one: 1 }]);
  });

  // #region leak
  it('❌ without finally, two failed queries exhaust a pool of two', async () => {
    const pool = database.pool({ max: 2, connectionTimeoutMillis: 300 });
    const leaked: pg.PoolClient[] = [];
    pool.on('acquire', (client) => leaked.push(client)); // only so the test can clean up
    try {
      for (let i = 0; i < 2; i++) {
        await expect(leakyWithClient(pool, (client) => client.query('SELECT * FROM no_such_table'))).rejects.toThrow();
      }
      expect(pool.idleCount).toBe(0);
      await expect(withClient(pool, (client) => client.query('SELECT 1'))).rejects.toBeInstanceOf(PoolTimeoutError);
    } finally {
      for (const client of leaked.splice(0)) client.release();
    }
  });
  // #endregion leak

  it('an exhausted pool fails with a clear timeout error, not a hang', async () => {
    const pool = database.pool({ max: 2, connectionTimeoutMillis: 200 });
    const held = await Promise.all([pool.connect(), pool.connect()]);
    try {
      const error = await withClient(pool, (client) => client.query('SELECT 1')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PoolTimeoutError);
      expect((error as Error).message).toMatch(/within 200 ms: all 2 in use/);
      expect((error as Error).name).toBe('PoolTimeoutError'); // what a log line shows
      expect((error as Error).cause).toBeInstanceOf(Error); // pg's own error stays reachable
    } finally {
      for (const client of held) client.release();
    }
  });

  it('a database that refuses connections is reported as itself, not as a busy pool', async () => {
    const refused = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    try {
      const error = await withClient(refused, (client) => client.query('SELECT 1')).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(PoolTimeoutError);
      expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    } finally {
      await refused.end();
    }
  });

  it("names its connections 'cookbook' unless told otherwise, so pg_stat_activity shows whose they are", async () => {
    const pool = database.adopt(createPool(database.url, 1));
    const { rows } = await pool.query<{ application_name: string }>('SHOW application_name');
    expect(rows[0]?.application_name).toBe('cookbook');
  });

  it('❌ the leaky version releases on success, which is why a happy-path test never catches it', async () => {
    const pool = database.pool({ max: 1, connectionTimeoutMillis: 500 });
    for (let i = 0; i < 2; i++) await leakyWithClient(pool, (client) => client.query('SELECT 1'));
    expect(pool.idleCount).toBe(1);
  });

  it('❌ a client per request works, named like the pool, with no parameters needed', async () => {
    expect(await queryWithNewClient(database.url, 'SHOW application_name')).toEqual([{ application_name: 'cookbook' }]);
  });

  it('❌ with pg defaults, a request for an exhausted pool waits until someone releases', async () => {
    const pool = database.adopt(naivePool(database.url, 1));
    const held = await pool.connect();
    let settled = false;
    const waiting = pool.connect().finally(() => (settled = true));
    await observer.query('SELECT pg_sleep(0.3)'); // plenty of time for a timeout, had there been one
    expect([settled, pool.waitingCount]).toEqual([false, 1]);
    held.release();
    (await waiting).release();
  });
});
