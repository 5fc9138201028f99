import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, dropRunDatabases, TEST_RUN_VARIABLE } from '../src/scratch-database.js';
import { SERVICES } from '../src/services.js';

const adminUrl = SERVICES.postgres.defaultUrl;

const exists = async (name: string) => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  await client.end();
  return rowCount === 1;
};

describe("a run's global teardown", () => {
  const unmarked: { drop: () => Promise<void> }[] = [];
  afterAll(async () => Promise.all(unmarked.map((db) => db.drop())));

  it('drops the databases its processes created and left, and nobody else’s', async () => {
    const inherited = process.env[TEST_RUN_VARIABLE];
    expect(inherited).toMatch(/^[0-9a-f]{12}$/); // set by the global setup, inherited by this worker
    // A run of its own: under `pnpm test`, the inherited one marks every package's databases, and
    // dropping it here would pull the databases out from under tests running beside this one.
    const run = randomBytes(6).toString('hex');
    try {
      process.env[TEST_RUN_VARIABLE] = run;
      const left = await createScratchDatabase(adminUrl, 'left_by_interrupt');
      delete process.env[TEST_RUN_VARIABLE];
      const other = await createScratchDatabase(adminUrl, 'not_this_run');
      unmarked.push(other);

      expect(await dropRunDatabases(adminUrl, run)).toEqual([left.name]);
      expect(await exists(left.name)).toBe(false);
      expect(await exists(other.name)).toBe(true);
    } finally {
      process.env[TEST_RUN_VARIABLE] = inherited;
    }
  });
});
