import { readFile } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { useTestDatabase } from '@cookbook/shared/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { copyBatch } from './batch-copy.js';
import { importCsv } from './csv-import.js';
import { createPeopleTable } from './people.js';
import { BAD_ROW, writePeopleCsv } from './people-csv.js';
import { type ImportCounts, validateRows } from './validate-rows.js';

const database = useTestDatabase('streams-csv-failures');
const temp = useTempDir('csv-failures');
let file: string;

beforeAll(async () => {
  file = temp.file('people.csv');
  await writePeopleCsv(file, 2_000, { 3: BAD_ROW.badEmail });
});

const counts = (): ImportCounts => ({ rows: 0, valid: 0, rejected: 0, inserted: 0, batches: 0 });

describe('the rejects file', () => {
  it('keeps its own backpressure: the validator never runs far ahead of a slow rejects file', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ email: `bad-${i}`, name: 'Someone', age: '30' }));
    const seen = counts();
    let written = 0;
    let maxAhead = 0;
    const slowRejects = new Writable({
      highWaterMark: 1024, // about nine rejects lines
      write(_line, _encoding, done) {
        maxAhead = Math.max(maxAhead, seen.rejected - written);
        written++;
        setTimeout(done, 2); // a disk that takes its time
      },
    });
    const people = new Writable({ objectMode: true, write: (_person, _encoding, done) => done() });
    await pipeline(Readable.from(rows), validateRows(slowRejects, seen), people);
    expect(seen.rejected).toBe(500);
    // Paced by the rejects file: when the last row is validated, nearly every reject has been written.
    expect(Math.max(maxAhead, seen.rejected - written)).toBeLessThanOrEqual(20);
  });

  it('that cannot be written fails the import with its error, not an uncaught one', async () => {
    const pool = database.pool({ max: 2 });
    await createPeopleTable(pool, 'people_no_rejects');
    const importing = importCsv({
      pool,
      file,
      rejectsFile: temp.file('no-such-folder/rejects.ndjson'),
      table: 'people_no_rejects',
    });
    await expect(importing).rejects.toThrow(/ENOENT/);
  });

  it('closed under the validator (destroyed without an error) stops it with an error saying so', async () => {
    const closed = new Writable({ write: (_line, _encoding, done) => done() });
    closed.destroy();
    const people = new Writable({ objectMode: true, write: (_person, _encoding, done) => done() });
    const rows = [{ email: 'bad', name: 'Someone', age: '30' }];
    await expect(pipeline(Readable.from(rows), validateRows(closed, counts()), people)).rejects.toThrow(
      'the rejects file was closed',
    );
  });

  it('that fails on write after the last batch (a full disk) fails the import with its error', async () => {
    const pool = database.pool({ max: 2 });
    await createPeopleTable(pool, 'people_full_disk');
    const lastRowBad = temp.file('last-row-bad.csv');
    await writePeopleCsv(lastRowBad, 100, { 101: BAD_ROW.badEmail });
    const importing = importCsv({ pool, file: lastRowBad, rejectsFile: '/dev/full', table: 'people_full_disk' });
    await expect(importing).rejects.toThrow(/ENOSPC/);
  });

  it('keeps the rejects seen before an import fails', async () => {
    const pool = database.pool({ max: 2 });
    const rejectsFile = temp.file();
    // No such table: the first batch fails, after line 3 was set aside.
    await expect(importCsv({ pool, file, rejectsFile, table: 'people_absent' })).rejects.toThrow(/does not exist/);
    const rejects = (await readFile(rejectsFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rejects).toMatchObject([{ line: 3, reason: expect.stringMatching(/^email/) }]);
  });
});

describe('batches', () => {
  it('a table name that is not a plain identifier is refused before it reaches SQL', async () => {
    const pool = database.pool({ max: 1 });
    const importing = importCsv({ pool, file, rejectsFile: temp.file(), table: 'people; DROP TABLE people' });
    await expect(importing).rejects.toThrow(/plain identifier/);
  });

  it('a failed batch rolls back, and the pool still serves the next batch', async () => {
    const pool = database.pool({ max: 1 }); // one connection: the failed batch's must not block the next
    await createPeopleTable(pool, 'people_rollback');
    const tooOld = { email: 'old@example.com', name: 'Old', age: 200 }; // past the table's CHECK
    await expect(copyBatch(pool, 'people_rollback', [tooOld])).rejects.toThrow(/check constraint/);
    expect(await copyBatch(pool, 'people_rollback', [{ email: 'ok@example.com', name: 'Ok', age: 40 }])).toBe(1);
    const { rows } = await pool.query<{ email: string }>('SELECT email FROM people_rollback');
    expect(rows).toEqual([{ email: 'ok@example.com' }]);
  });
});
