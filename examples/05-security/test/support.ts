import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll } from 'vitest';
import { createUsersTable } from '../users/users.js';

/** A signing secret for tests only (32+ characters, like loadConfig demands). */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';

/**
 * bcrypt cost for tests that are not about timing: 4 (≈1 ms) instead of 12 (≈250 ms). Nothing
 * they check depends on the cost; the timing tests use a higher one on purpose.
 */
export const FAST_BCRYPT_COST = 4;

/** A fresh database with the users table, and a small pool on it, for one test file. */
export function useUsersDatabase(label: string): { readonly pool: pg.Pool } {
  const database = useTestDatabase(label);
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    pool = database.pool({ max: 5 });
    await createUsersTable(pool);
  });
  return {
    get pool() {
      if (!pool) throw new Error('pool is only available inside hooks and tests');
      return pool;
    },
  };
}
