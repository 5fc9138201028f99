import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool, withClient } from './pooling.js';

// What a Postgres restart, a failover or an idle-session kill does to a pool: the server ends its
// connections. pg_terminate_backend does the same to this test's connections only.
const database = useTestDatabase('pooling-restart');
let observer: pg.Client;

beforeAll(async () => {
  observer = new pg.Client({ connectionString: database.url });
  await observer.connect();
});
afterAll(() => observer.end());

/** The recipe's own pool (not a copy): its 'error' listener is what is under test. */
function recipePool(lost: Error[]): { pool: pg.Pool; name: string } {
  const name = `restart_${randomBytes(3).toString('hex')}`;
  return { pool: database.adopt(createPool(database.url, 2, name, (error) => lost.push(error))), name };
}

async function terminateConnections(applicationName: string): Promise<number> {
  const { rowCount } = await observer.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return rowCount ?? 0;
}

describe('a pool whose server ends its connections', () => {
  it('an idle connection cut by the server is reported and replaced: no crash, and the next query works', async () => {
    const lost: Error[] = [];
    const { pool, name } = recipePool(lost);
    await pool.query('SELECT 1');
    expect(await terminateConnections(name)).toBe(1);
    // Unheard, this 'error' on the pool would throw out of the socket callback and end the process.
    await waitUntil(() => lost.length === 1, 'the pool to report the lost connection', 5_000);
    expect(lost[0]?.message).toMatch(/terminat/i);
    expect(pool.totalCount).toBe(0); // the dead client is gone, not handed to the next caller
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a connection cut while checked out fails only that work; the broken client is not pooled again', async () => {
    const lost: Error[] = [];
    const { pool, name } = recipePool(lost);
    const cut = withClient(pool, async (client) => {
      await terminateConnections(name);
      await sleep(100); // the server's goodbye arrives while the client is checked out and idle
      return client.query('SELECT 1');
    });
    await expect(cut).rejects.toThrow(/terminat|Connection/i);
    expect(lost).toEqual([]); // checked out, the pool did not hear it: withClient did
    expect(pool.totalCount).toBe(0);
    expect(await withClient(pool, (client) => client.query('SELECT 1 AS one'))).toHaveProperty('rows', [{ one: 1 }]);
  });

  it('a connection cut mid-query is not handed to the next checkout, ten times in a row', async () => {
    const { pool, name } = recipePool([]);
    const pid = (client: pg.PoolClient) => client.query('SELECT pg_backend_pid() AS pid');
    for (let restart = 1; restart <= 10; restart++) {
      const cut = withClient(pool, async (client) => {
        await pid(client); // connected, so the kill below finds it
        const killed = waitUntil(async () => (await terminateConnections(name)) === 1, 'the sleeping backend killed');
        return Promise.all([client.query('SELECT pg_sleep(30)'), killed]);
      });
      await expect(cut).rejects.toThrow(/terminat/i);
      // The FATAL reaches the query before the socket closes: the client must be gone already.
      expect(pool.totalCount).toBe(0);
      await expect(withClient(pool, pid)).resolves.toHaveProperty('rowCount', 1);
    }
  });

  it('an ordinary query error keeps the connection: the next checkout gets the same backend', async () => {
    const { pool } = recipePool([]);
    const backend = async (client: pg.PoolClient) => (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const before = await withClient(pool, backend);
    await expect(withClient(pool, (client) => client.query('SELECT 1 / 0'))).rejects.toThrow(/division by zero/);
    expect(await withClient(pool, backend)).toBe(before);
  });

  it('with no handler given, the lost connection is a warning on the console', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const name = `restart_${randomBytes(3).toString('hex')}`;
      const pool = database.adopt(createPool(database.url, 1, name));
      await pool.query('SELECT 1');
      await terminateConnections(name);
      await waitUntil(() => warn.mock.calls.length > 0, 'the warning', 5_000);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^postgres: idle connection lost: .*terminat/i);
    } finally {
      warn.mockRestore();
    }
  });

  it('a client checked out again and again carries no listener of earlier checkouts', async () => {
    const { pool } = recipePool([]);
    const client = await pool.connect(); // the pool's one client, seen idle between checkouts
    client.release();
    for (let i = 0; i < 12; i++) await withClient(pool, (held) => held.query('SELECT 1'));
    expect(client.listenerCount('error')).toBe(1); // the pool's own, for while it is idle
  });
});
