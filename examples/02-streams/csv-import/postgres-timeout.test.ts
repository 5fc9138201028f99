import { usePausedBackends, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { importCsv } from './csv-import.js';
import { mergeBatch } from './merge-batch.js';
import { createPeopleTable } from './people.js';
import { writePeopleCsv } from './people-csv.js';
import { PostgresTimeoutError } from './postgres-deadline.js';
import { countRows } from './test/count-rows.js';
import { copyInProgress, useNamedPipes } from './test/named-pipe.js';

const database = useTestDatabase('streams-csv-timeout');
const temp = useTempDir('csv-timeout');
const pipeOf = useNamedPipes('csv-timeout-pipes');
let pool: pg.Pool;
const backends = usePausedBackends(() => pool);
// Long enough that a loaded 2-core machine never trips it by accident, short enough for a test.
const TIMEOUT_MS = 1_500;

beforeAll(() => {
  pool = database.pool({ max: 4 });
});

/** Starts an import of `rows` rows through a named pipe, sends the first `sent`, and pauses the COPY's backend. */
async function importPausedAfter(table: string, rows: number, sent: number) {
  await createPeopleTable(pool, table);
  const { path, lines, writer } = await pipeOf(rows);
  const importing = importCsv({
    pool,
    file: path,
    rejectsFile: temp.file(),
    table,
    batchSize: rows + 1, // one batch, ended by the file's end: whatever happens, happens to all of it
    timeoutMs: TIMEOUT_MS,
  });
  const failed = importing.then(
    () => new Error('the import succeeded'),
    (error: unknown) => error,
  );
  writer.write(lines.slice(0, sent + 1).join('')); // the header too
  const copy = await waitUntil(async () => {
    const progress = await copyInProgress(pool, table);
    return progress && progress.rows > 0 ? progress : undefined;
  }, `the COPY into ${table} to hold rows`);
  backends.pause(copy.pid);
  return { failed, rest: lines.slice(sent + 1).join(''), writer };
}

describe('a Postgres that stops answering', () => {
  it('mid-batch: the import fails at its deadline instead of waiting forever, and rolls the batch back', async () => {
    // Far more rows after the pause than the socket buffers hold: the COPY stops taking them.
    const { failed, rest, writer } = await importPausedAfter('people_paused', 400_000, 5_000);
    writer.end(rest);
    const error = await failed;
    expect(error).toBeInstanceOf(PostgresTimeoutError);
    expect(error).toMatchObject({
      name: 'PostgresTimeoutError',
      message: expect.stringMatching(/did not answer a COPY for more rows within 1500 ms.*Run the import again/),
    });
    // It stopped reading the file there, not at the end of the batch: most of it was never taken.
    expect(writer.bytesWritten).toBeLessThan(rest.length / 2);
    await backends.resumeAll(); // Postgres wakes, finds the connection gone mid-COPY, and rolls back
    expect(await countRows(pool, 'people_paused')).toBe(0);
    await waitUntil(() => pool.idleCount === pool.totalCount, 'every connection back in the pool');
  });

  it('after the last row: the batch may still commit when Postgres wakes, and a re-run loads exactly the rest', async () => {
    const { failed, writer } = await importPausedAfter('people_paused_commit', 3_000, 3_000);
    writer.end(); // the COPY's end reaches a frozen server: it is in its socket, unread
    expect(await failed).toMatchObject({ message: expect.stringMatching(/did not answer the end of a COPY/) });
    await backends.resumeAll();
    // It reads the whole COPY, then the closed socket: the client gave up, but the rows are in.
    expect(await countRows(pool, 'people_paused_commit')).toBe(3_000);

    const source = temp.file('rerun.csv');
    await writePeopleCsv(source, 5_000);
    const rerun = await importCsv({ pool, file: source, rejectsFile: temp.file(), table: 'people_paused_commit' });
    expect(rerun.inserted).toBe(2_000);
    expect(await countRows(pool, 'people_paused_commit')).toBe(5_000);
  });

  it('during a merge (here, one waiting for a lock): the merge fails at its deadline and changes nothing', async () => {
    await createPeopleTable(pool, 'people_merge_locked');
    const blocker = await pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE people_merge_locked IN SHARE MODE'); // a migration, say
    try {
      const merging = mergeBatch(pool, 'people_merge_locked', [{ email: 'a@example.com', name: 'A', age: 5 }], 500);
      await expect(merging).rejects.toThrow(/did not answer a merge within 500 ms/);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    // Its backend waited on behind the lock (Postgres checks a client is there only when it writes to
    // it), then found no client to commit for, and rolled back.
    await waitUntil(async () => {
      const { rows } = await pool.query(
        "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'INSERT INTO people_merge_locked%'",
      );
      return rows.length === 0;
    }, 'the merge backend to be gone');
    expect(await countRows(pool, 'people_merge_locked')).toBe(0);
    await waitUntil(() => pool.idleCount === pool.totalCount, 'every connection back in the pool');
  });
});
