import { readFile } from 'node:fs/promises';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { mergeBatch } from './merge-batch.js';
import { naiveImportCsv } from './naive-csv-import.js';
import { createPeopleTable } from './people.js';
import { BAD_ROW, writePeopleCsv } from './people-csv.js';
import { countRows } from './test/count-rows.js';

const database = useTestDatabase('streams-csv-file-merge');
const temp = useTempDir('csv-file-merge');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 1 }); // one connection, so a backend pid tells whether it was kept
});

const backendPid = async () => (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;

describe('the people CSV the tests import', () => {
  it('numbers people from 1, quotes every 7th name, and plants bad rows at their line', async () => {
    const file = temp.file('people.csv');
    await writePeopleCsv(file, 8, { 3: BAD_ROW.badNumber });
    expect((await readFile(file, 'utf8')).split('\n')).toEqual([
      'email,name,age',
      'person1@example.com,Person 1,1',
      BAD_ROW.badNumber,
      'person3@example.com,Person 3,3',
      'person4@example.com,Person 4,4',
      'person5@example.com,Person 5,5',
      'person6@example.com,Person 6,6',
      'person7@example.com,"O""Brien, Person 7",7',
      'person8@example.com,Person 8,8',
      '',
    ]);
  });
});

describe('naive import on a clean file', () => {
  it('resolves once every row is in', async () => {
    const file = temp.file('clean.csv');
    await writePeopleCsv(file, 50);
    await createPeopleTable(pool, 'people_naive_clean');
    await naiveImportCsv(pool, file, 'people_naive_clean');
    expect(await countRows(pool, 'people_naive_clean')).toBe(50);
  });
});

describe('mergeBatch and its connection', () => {
  it('gives a connection back for reuse after a merge, and closes it after a failed one', async () => {
    await createPeopleTable(pool, 'people_merge_conn');
    const before = await backendPid();
    expect(await mergeBatch(pool, 'people_merge_conn', [{ email: 'a@example.com', name: 'A', age: 1 }])).toBe(1);
    expect(await backendPid()).toBe(before);
    // A table that does not exist: COPY into staging succeeds, the INSERT fails, the transaction aborts.
    await expect(
      mergeBatch(pool, 'people_merge_missing', [{ email: 'b@example.com', name: 'B', age: 2 }]),
    ).rejects.toThrow(/relation "people_merge_missing" does not exist/);
    expect(await backendPid()).not.toBe(before);
    expect(await countRows(pool, 'people_merge_conn')).toBe(1);
  });
});
