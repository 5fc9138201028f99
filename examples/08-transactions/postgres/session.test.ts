import { closePool, startTcpProxy, type TcpProxy, testPool, useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOut, withTransaction } from './session.js';

const database = useTestDatabase('session');
let proxy: TcpProxy;
// One connection, so every call below gets the very client the one before it gave back.
let pool: pg.Pool;

beforeAll(async () => {
  proxy = await startTcpProxy(database.url);
  pool = testPool({ connectionString: proxy.url(), max: 1 });
  await pool.query('CREATE TABLE notes (body text NOT NULL)');
});

afterAll(async () => {
  if (pool) await closePool(pool);
  await proxy?.close();
});

describe('postgres session', () => {
  it('work that throws is rolled back, and the connection goes back with no transaction open', async () => {
    const failing = withTransaction(pool, async (client) => {
      await client.query(`INSERT INTO notes (body) VALUES ('half-done')`);
      throw new Error('validation failed');
    });
    await expect(failing).rejects.toThrow('validation failed');
    // The same connection: had the transaction stayed open, it would still see its own row.
    expect((await pool.query('SELECT count(*)::int AS n FROM notes')).rows[0].n).toBe(0);
    expect((await pool.query('SELECT now() = statement_timestamp() AS outside')).rows[0].outside).toBe(true);
  });

  it('checking a connection out and back in leaves no error listener behind', async () => {
    const first = await checkOut(pool);
    const listeners = first.client.listenerCount('error');
    first.release();
    for (let i = 0; i < 20; i++) (await checkOut(pool)).release();
    const last = await checkOut(pool);
    expect(last.client).toBe(first.client);
    expect(last.client.listenerCount('error')).toBe(listeners);
    last.release();
  });

  it('a connection cut mid-transaction is given back with its error, so the pool destroys it', async () => {
    const released: (Error | undefined)[] = [];
    const onRelease = (error: Error | undefined) => void released.push(error);
    pool.on('release', onRelease);
    const cut = proxy.cutOnClientBytes('cut here', 'before');
    const failure = await withTransaction(pool, (client) => client.query(`SELECT 'cut here'`)).catch((e) => e);
    await cut;
    pool.off('release', onRelease);
    expect(String(failure)).toMatch(/terminated/);
    expect(released).toEqual([expect.objectContaining({ message: expect.stringMatching(/terminated/) })]);
    expect(pool.totalCount).toBe(0);
    // The next transaction gets a fresh connection.
    expect(await withTransaction(pool, async (client) => (await client.query('SELECT 1 AS ok')).rows[0].ok)).toBe(1);
  });
});
