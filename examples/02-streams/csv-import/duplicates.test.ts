import { writeFile } from 'node:fs/promises';
import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { copyBatch } from './batch-copy.js';
import { importCsv } from './csv-import.js';
import { mergeBatch } from './merge-batch.js';
import { createPeopleTable, type Person } from './people.js';

const database = useTestDatabase('streams-csv-duplicates');
const temp = useTempDir('csv-duplicates');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 3 });
});

const BATCH = 100;
const ALREADY_IN: Person = { email: 'person5@example.com', name: 'Already In', age: 50 };

/** 400 people; person5 is already in the table; person42 appears twice in its batch, person7 in two batches. */
function peopleWithDuplicates(): Person[] {
  const people = Array.from({ length: 400 }, (_, i) => ({
    email: `person${i + 1}@example.com`,
    name: `Person ${i + 1}`,
    age: (i + 1) % 90,
  }));
  people.splice(60, 0, { email: 'PERSON42@example.com', name: 'Second 42', age: 1 }); // batch 1, after the first
  people.splice(250, 0, { email: 'person7@example.com', name: 'Second 7', age: 2 }); // batch 3
  return people;
}

async function seededTable(table: string): Promise<void> {
  await createPeopleTable(pool, table);
  await pool.query(`INSERT INTO ${table} (email, name, age) VALUES ($1, $2, $3)`, [
    ALREADY_IN.email,
    ALREADY_IN.name,
    ALREADY_IN.age,
  ]);
}

async function peopleIn(table: string): Promise<Person[]> {
  const { rows } = await pool.query<Person>(`SELECT email, name, age FROM ${table} ORDER BY email`);
  return rows;
}

describe('duplicates: COPY straight in, falling back to the staging merge on a unique violation', () => {
  it('ends with the same rows as merging every batch through staging (first occurrence wins, rows already in stay)', async () => {
    const people = peopleWithDuplicates();
    const file = temp.file('duplicates.csv');
    await writeFile(file, `email,name,age\n${people.map((p) => `${p.email},${p.name},${p.age}`).join('\n')}\n`);

    await seededTable('people_dups_import');
    const counts = await importCsv({
      pool,
      file,
      rejectsFile: temp.file(),
      table: 'people_dups_import',
      batchSize: BATCH,
    });

    await seededTable('people_dups_merged'); // what every batch did before the fast path
    const normalized = people.map((p) => ({ ...p, email: p.email.toLowerCase() }));
    for (let at = 0; at < normalized.length; at += BATCH) {
      await mergeBatch(pool, 'people_dups_merged', normalized.slice(at, at + BATCH));
    }

    const imported = await peopleIn('people_dups_import');
    expect(imported).toEqual(await peopleIn('people_dups_merged'));
    expect(imported).toHaveLength(400);
    expect(counts).toMatchObject({ valid: 402, inserted: 399, batches: 5 });
    const byEmail = new Map(imported.map((p) => [p.email, p.name]));
    expect(byEmail.get(ALREADY_IN.email)).toBe('Already In');
    expect(byEmail.get('person42@example.com')).toBe('Person 42');
    expect(byEmail.get('person7@example.com')).toBe('Person 7');
  });

  it('a batch without duplicates goes in whole; one with a duplicate inserts only its new rows', async () => {
    await seededTable('people_dups_batch');
    const fresh = [
      { email: 'a@example.com', name: 'A', age: 1 },
      { email: 'b@example.com', name: 'B', age: 2 },
    ];
    expect(await copyBatch(pool, 'people_dups_batch', fresh)).toBe(2);
    const mixed = [...fresh, ALREADY_IN, { email: 'c@example.com', name: 'C', age: 3 }];
    expect(await copyBatch(pool, 'people_dups_batch', mixed)).toBe(1);
    expect((await peopleIn('people_dups_batch')).map((p) => p.email)).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
      ALREADY_IN.email,
    ]);
  });

  it('the fallback batch is still one transaction: a duplicate and a bad row together insert nothing', async () => {
    await seededTable('people_dups_rollback');
    const batch = [
      { email: 'new@example.com', name: 'New', age: 30 },
      ALREADY_IN,
      { email: 'old@example.com', name: 'Old', age: 200 },
    ];
    await expect(copyBatch(pool, 'people_dups_rollback', batch)).rejects.toThrow(/check constraint/);
    expect(await peopleIn('people_dups_rollback')).toEqual([ALREADY_IN]);
  });

  it('a merge that fails rolls back whole, and the next batch is served clean', async () => {
    const single = database.pool({ max: 1 });
    await seededTable('people_merge_fails');
    // The duplicate first, the bad age past COPY's first 1,000-row flush: COPY fails on the duplicate,
    // and the merge then fails on the age.
    const fresh = Array.from({ length: 1_500 }, (_, i) => ({ email: `m${i}@example.com`, name: 'M', age: 1 }));
    const batch = [ALREADY_IN, ...fresh, { email: 'old@example.com', name: 'Old', age: 200 }];
    await expect(copyBatch(single, 'people_merge_fails', batch)).rejects.toThrow(/check constraint/);
    expect(await peopleIn('people_merge_fails')).toEqual([ALREADY_IN]);
    // A connection left in its failed transaction would fail this: "current transaction is aborted".
    expect(await copyBatch(single, 'people_merge_fails', fresh.slice(0, 10))).toBe(10);
  });

  it('a merge whose connection is cut fails with the server error, and the process stays up', async () => {
    await seededTable('people_merge_cut');
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE people_merge_cut IN SHARE MODE'); // the merge's INSERT waits here
    try {
      const merging = mergeBatch(pool, 'people_merge_cut', [{ email: 'cut@example.com', name: 'Cut', age: 5 }]);
      const failed = merging.catch((error: unknown) => error);
      await waitUntil(async () => {
        const { rows } = await pool.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO people_merge_cut%'",
        );
        return rows[0] && (await pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]));
      }, 'the merge to wait for the lock');
      expect(await failed).toMatchObject({ message: expect.stringMatching(/terminat/i) });
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(await peopleIn('people_merge_cut')).toEqual([ALREADY_IN]);
  });
});
