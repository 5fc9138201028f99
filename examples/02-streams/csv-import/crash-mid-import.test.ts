import { readFile, writeFile } from 'node:fs/promises';
import { spawnFixture, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { importCsv } from './csv-import.js';
import { createPeopleTable } from './people.js';
import { writePeopleCsv } from './people-csv.js';
import { countRows } from './test/count-rows.js';

const database = useTestDatabase('streams-csv-crash');
const temp = useTempDir('csv-crash');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 3 });
});
/** A copy of `file` cut after its header and `rows` data lines. */
async function firstLines(file: string, rows: number): Promise<string> {
  const lines = (await readFile(file, 'utf8')).split('\n').slice(0, rows + 1);
  const cut = temp.file('first-lines.csv');
  await writeFile(cut, `${lines.join('\n')}\n`);
  return cut;
}

describe('a crash mid-import', () => {
  const TOTAL = 50_000;
  const BATCH = 500;

  /** Runs the import in a child process and SIGKILLs it once its first batch has committed. */
  async function importKilledAfterFirstBatch(file: string, table: string): Promise<void> {
    const child = spawnFixture(new URL('./test/csv-import-child.ts', import.meta.url), {
      args: [database.url, file, temp.file(), table, String(BATCH)],
    });
    try {
      await child.waitForLine(/^committed batch 1$/);
    } finally {
      await child.kill(); // SIGKILL: no cleanup, no last words
    }
    expect(child.lines).not.toContain('done');
    // A batch whose COPY had been sent in full still commits after the kill: Postgres has all of it.
    // Its backend exits only once that is done, so the count waits for the child's backends to go.
    await waitUntil(async () => {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [`import ${table}`],
      );
      return rows[0]?.n === 0;
    }, "the killed import's backends to exit");
  }

  it('leaves only whole batches committed, and a re-run loads exactly the rest', async () => {
    const file = temp.file('crash.csv');
    await writePeopleCsv(file, TOTAL);
    await createPeopleTable(pool, 'people_crash');
    await importKilledAfterFirstBatch(file, 'people_crash');

    const survived = await countRows(pool, 'people_crash');
    expect(survived).toBeGreaterThan(0);
    expect(survived).toBeLessThan(TOTAL);
    expect(survived % BATCH).toBe(0);

    const rerun = await importCsv({ pool, file, rejectsFile: temp.file(), table: 'people_crash', batchSize: BATCH });
    expect(rerun.inserted).toBe(TOTAL - survived);
    expect(await countRows(pool, 'people_crash')).toBe(TOTAL);
  });

  it('a re-run killed while its batches fall back to the staging merge leaves whole batches too', async () => {
    const file = temp.file('crash-twice.csv');
    await writePeopleCsv(file, TOTAL);
    await createPeopleTable(pool, 'people_crash_twice');
    // The first BATCH * 20 rows are in: every batch of the re-run up to there hits a duplicate.
    await importCsv({
      pool,
      file: await firstLines(file, BATCH * 20),
      rejectsFile: temp.file(),
      table: 'people_crash_twice',
      batchSize: BATCH,
    });
    await importKilledAfterFirstBatch(file, 'people_crash_twice');

    const survived = await countRows(pool, 'people_crash_twice');
    expect(survived).toBeGreaterThanOrEqual(BATCH * 20);
    expect(survived % BATCH).toBe(0);
    const rerun = await importCsv({
      pool,
      file,
      rejectsFile: temp.file(),
      table: 'people_crash_twice',
      batchSize: BATCH,
    });
    expect(rerun.inserted).toBe(TOTAL - survived);
    expect(await countRows(pool, 'people_crash_twice')).toBe(TOTAL);
  });
});
