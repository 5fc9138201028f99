import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../scratch-database.js';
import { closePool, testPool, trackPool } from './pool.js';
import { testServices } from './provided.js';

export interface FileDatabase {
  readonly url: string;
  /** A pool on this database, closed (every socket) before the database is dropped. */
  pool(config?: Omit<pg.PoolConfig, 'connectionString'>): pg.Pool;
  /** A pool the code under test made on `url`, closed with the others and otherwise left as it is. */
  adopt(pool: pg.Pool): pg.Pool;
}

/**
 * A fresh Postgres database for this test file: created before its tests, dropped after them, once
 * every pool made by `pool()` has really closed. Read `.url` inside hooks or tests, not at import.
 */
export function useTestDatabase(label = 'test'): FileDatabase {
  let database: ScratchDatabase | undefined;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    database = await createScratchDatabase(testServices().databaseUrl, label);
  });
  afterAll(async () => {
    await Promise.all(pools.map(closePool));
    await database?.drop();
  });
  const url = () => {
    if (!database) throw new Error('useTestDatabase().url is only available inside hooks and tests');
    return database.url;
  };
  return {
    get url() {
      return url();
    },
    pool(config = {}) {
      const pool = testPool({ ...config, connectionString: url() });
      pools.push(pool);
      return pool;
    },
    adopt(pool) {
      pools.push(trackPool(pool));
      return pool;
    },
  };
}
