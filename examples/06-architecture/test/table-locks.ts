import type pg from 'pg';
import { afterEach } from 'vitest';

/**
 * Holds ACCESS EXCLUSIVE locks from the test's own connections, so the app's queries on a table
 * wait as they would behind a migration. Any lock still held when a test ends is released, so a
 * failed test cannot stall the next one.
 */
export function useTableLocks(pool: () => pg.Pool): {
  hold(table: string): Promise<() => Promise<void>>;
  releaseAll(): Promise<void>;
} {
  const held = new Set<() => Promise<void>>();
  const releaseAll = async () => {
    await Promise.all([...held].map((release) => release()));
  };
  afterEach(releaseAll);
  return {
    releaseAll,
    async hold(table) {
      const client = await pool().connect();
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const release = async () => {
        if (!held.delete(release)) return;
        await client.query('ROLLBACK');
        client.release();
      };
      held.add(release);
      return release;
    },
  };
}
