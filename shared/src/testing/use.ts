import { afterAll, beforeAll } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../scratch-database.js';
import { testServices } from './provided.js';

/**
 * A fresh Postgres database for this test file: created before its tests, dropped after them.
 * Read `.url` inside hooks or tests, not at import time.
 */
export function useTestDatabase(label = 'test'): { readonly url: string } {
  let database: ScratchDatabase | undefined;
  beforeAll(async () => {
    database = await createScratchDatabase(testServices().databaseUrl, label);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (!database) throw new Error('useTestDatabase().url is only available inside hooks and tests');
      return database.url;
    },
  };
}
