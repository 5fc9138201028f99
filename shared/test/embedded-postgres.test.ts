import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/embedded-postgres.js';
import { closePool, testPool } from '../src/testing/pool.js';

describe('embedded Postgres (the resolver step for a machine with only Node)', () => {
  it('is a real server: concurrent sessions, row locks that block, and two-phase commit', async () => {
    const server = await startEmbeddedPostgres();
    const pool = testPool({ connectionString: server.url, max: 4 });
    try {
      const { rows } = await pool.query<{ version: string; prepared: string }>(
        "SELECT version(), current_setting('max_prepared_transactions') AS prepared",
      );
      expect(rows[0]?.version).toMatch(/^PostgreSQL 17\./);
      expect(Number(rows[0]?.prepared)).toBeGreaterThan(0);

      await pool.query('CREATE TABLE account (id int PRIMARY KEY, balance int)');
      await pool.query('INSERT INTO account VALUES (1, 100)');
      const holder = await pool.connect();
      const waiter = await pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT * FROM account WHERE id = 1 FOR UPDATE');
        await waiter.query("SET lock_timeout = '200ms'");
        // A second session must wait for the row lock: PGlite's single session could not show this.
        await expect(waiter.query('SELECT * FROM account WHERE id = 1 FOR UPDATE')).rejects.toMatchObject({
          code: '55P03',
        });
        await holder.query('UPDATE account SET balance = 50 WHERE id = 1');
        await holder.query("PREPARE TRANSACTION 'cookbook_embedded'");
        await waiter.query("COMMIT PREPARED 'cookbook_embedded'");
      } finally {
        holder.release();
        waiter.release();
      }
      const after = await pool.query<{ balance: number }>('SELECT balance FROM account WHERE id = 1');
      expect(after.rows[0]?.balance).toBe(50);
    } finally {
      await closePool(pool);
      await server.stop();
    }
    await expect(new pg.Client({ connectionString: server.url }).connect()).rejects.toThrow();
  });
});
