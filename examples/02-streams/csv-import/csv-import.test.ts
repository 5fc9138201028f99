import { readFile, writeFile } from 'node:fs/promises';
import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { copyBatch } from './batch-copy.js';
import { importCsv } from './csv-import.js';
import { naiveImportCsv } from './naive-csv-import.js';
import { createPeopleTable } from './people.js';
import { BAD_ROW, writePeopleCsv } from './people-csv.js';
import { countRows } from './test/count-rows.js';

const database = useTestDatabase('streams-csv');
const temp = useTempDir('csv');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 3 });
});

const ROWS = 1000;
const BAD_ROWS = { 10: BAD_ROW.missingEmail, 20: BAD_ROW.badNumber, 30: BAD_ROW.badEmail, 40: BAD_ROW.missingField };

describe('a CSV with bad rows among good ones', () => {
  let file: string;
  beforeAll(async () => {
    file = temp.file('people.csv');
    await writePeopleCsv(file, ROWS, BAD_ROWS);
  });

  it('importCsv: loads every good row, sets bad rows aside with line and reason, and counts', async () => {
    await createPeopleTable(pool, 'people_fixed');
    const rejectsFile = temp.file('rejects.ndjson');
    const counts = await importCsv({ pool, file, rejectsFile, table: 'people_fixed', batchSize: 100 });

    expect(counts).toEqual({ rows: ROWS, valid: ROWS - 4, rejected: 4, inserted: ROWS - 4, batches: 10 });
    expect(await countRows(pool, 'people_fixed')).toBe(ROWS - 4);
    const rejects = (await readFile(rejectsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rejects.map(({ line, reason }) => ({ line, field: reason.split(':')[0] }))).toEqual([
      { line: 10, field: 'email' },
      { line: 20, field: 'age' },
      { line: 30, field: 'email' },
      { line: 40, field: 'age' },
    ]);
    const { rows } = await pool.query('SELECT name FROM people_fixed WHERE email = $1', ['person7@example.com']);
    expect(rows[0]?.name).toBe('O"Brien, Person 7');
  });

  it('naive .pipe() + row-by-row INSERT: stops at the first bad number, half imported, with garbage in', async () => {
    await createPeopleTable(pool, 'people_naive');
    await expect(naiveImportCsv(pool, file, 'people_naive')).rejects.toThrow(/invalid input syntax for type integer/);
    const imported = await countRows(pool, 'people_naive');
    expect(imported).toBeGreaterThan(0);
    expect(imported).toBeLessThan(ROWS - 4);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM people_naive WHERE email = ''");
    expect(rows[0]?.n).toBe(1); // the row with no email went straight in
  });
});

describe('backpressure from Postgres to the file', () => {
  it('never validates much more than two batches (one in flight, one filling) ahead of what has committed', async () => {
    const file = temp.file('big.csv');
    await writePeopleCsv(file, 10_000);
    await createPeopleTable(pool, 'people_paced');
    let maxAhead = 0;
    const roomy = database.pool({ max: 10 }); // room for more connections than the import should take
    const counts = await importCsv({
      pool: roomy,
      file,
      rejectsFile: temp.file(),
      table: 'people_paced',
      batchSize: 250,
      onBatch: (counts) => {
        maxAhead = Math.max(maxAhead, counts.rows - counts.inserted - counts.rejected);
      },
    });
    expect(await countRows(pool, 'people_paced')).toBe(10_000);
    expect(counts.batches).toBe(40); // 10,000 rows in 250s: no empty batch at the end
    expect(maxAhead).toBeLessThanOrEqual(2 * 250 + 100);
    expect(roomy.totalCount).toBeLessThanOrEqual(2); // one batch committing, one filling: two connections
  });
});

describe('the header', () => {
  it('is matched whatever its case and spacing (into the default table, people)', async () => {
    const file = temp.file('header.csv');
    await writeFile(file, ' Email , NAME ,Age\nshout@example.com,Loud,40\n');
    await createPeopleTable(pool);
    const counts = await importCsv({ pool, file, rejectsFile: temp.file() });
    expect(await countRows(pool, 'people')).toBe(1);
    expect(counts).toMatchObject({ valid: 1, rejected: 0, inserted: 1 });
  });
});

describe('the lines COPY reads', () => {
  it('a field with a quote, a comma, a line break, a carriage return or nothing at all comes back as written', async () => {
    await createPeopleTable(pool, 'people_fields');
    const names = ['say "hi"', 'Doe, Jane', 'two\nlines', 'carriage\rreturn', ''];
    const people = names.map((name, i) => ({ email: `field${i}@example.com`, name, age: i }));
    expect(await copyBatch(pool, 'people_fields', people)).toBe(names.length);
    const { rows } = await pool.query<{ name: string }>('SELECT name FROM people_fields ORDER BY age');
    expect(rows.map((row) => row.name)).toEqual(names);
  });

  it('a batch far bigger than one COPY chunk arrives whole, row for row', async () => {
    await createPeopleTable(pool, 'people_big_batch');
    const people = Array.from({ length: 5_000 }, (_, i) => ({
      email: `big${i}@example.com`,
      name: `Big, ${i}`,
      age: i % 90,
    }));
    expect(await copyBatch(pool, 'people_big_batch', people)).toBe(5_000);
    const { rows } = await pool.query<{ email: string; name: string; age: number }>(
      'SELECT email, name, age FROM people_big_batch ORDER BY id',
    );
    expect(rows).toEqual(people);
  });
});

describe('an input that cannot be read', () => {
  it('rejects with the file error and inserts nothing', async () => {
    await createPeopleTable(pool, 'people_missing');
    const importing = importCsv({
      pool,
      file: temp.file('missing.csv'),
      rejectsFile: temp.file(),
      table: 'people_missing',
    });
    await expect(importing).rejects.toThrow(/ENOENT/);
    expect(await countRows(pool, 'people_missing')).toBe(0);
  });
});
