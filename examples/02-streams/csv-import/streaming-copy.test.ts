import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { importCsv } from './csv-import.js';
import { createPeopleTable } from './people.js';
import { BAD_ROW, writePeopleCsv } from './people-csv.js';
import { countRows } from './test/count-rows.js';
import { copyInProgress, useNamedPipes } from './test/named-pipe.js';

const database = useTestDatabase('streams-csv-streaming');
const temp = useTempDir('csv-streaming');
const pipeOf = useNamedPipes('csv-streaming-pipes');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 3 });
});

/** The rows a COPY into `table` has read so far; 0 when none runs. */
const rowsCopying = async (table: string): Promise<number> => (await copyInProgress(pool, table))?.rows ?? 0;

describe('COPY while the file is still being read', () => {
  it('Postgres loads a batch before Node has parsed all of it', async () => {
    await createPeopleTable(pool, 'people_streamed');
    const { path, lines, writer } = await pipeOf(10_000);
    const importing = importCsv({
      pool,
      file: path,
      rejectsFile: temp.file(),
      table: 'people_streamed',
      batchSize: 10_000,
    });
    writer.write(lines.slice(0, 5_001).join('')); // the header and half of the only batch
    // Collecting the batch first and COPYing it after would leave Postgres at 0 here, waiting forever.
    await waitUntil(async () => (await rowsCopying('people_streamed')) > 0, 'the COPY to hold rows', 5_000);
    expect(await countRows(pool, 'people_streamed')).toBe(0); // loaded, not yet committed
    writer.end(lines.slice(5_001).join(''));
    expect(await importing).toMatchObject({ inserted: 10_000, batches: 1 });
  });

  it('a connection killed mid-batch fails the import with its error, and a re-run loads the rest', async () => {
    await createPeopleTable(pool, 'people_terminated');
    const { path, lines, writer } = await pipeOf(12_000);
    let committed = 0;
    const importing = importCsv({
      pool,
      file: path,
      rejectsFile: temp.file(),
      table: 'people_terminated',
      batchSize: 4_000,
      onBatch: (counts) => {
        committed = counts.batches;
      },
    });
    const failed = importing.catch((error: unknown) => error);
    writer.write(lines.slice(0, 7_001).join('')); // the header, batch 1 and most of batch 2
    await waitUntil(
      async () => committed === 1 && (await rowsCopying('people_terminated')) > 0,
      'batch 2 to load',
      5_000,
    );
    // What a Postgres restart or failover does to the import's connection.
    await pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE 'COPY people_terminated%'",
    );
    writer.end(lines.slice(7_001).join(''));
    // The server's goodbye, or the socket's reset when it lands while rows are being written.
    expect(await failed).toMatchObject({ message: expect.stringMatching(/terminat|Connection|ECONNRESET|EPIPE/i) });
    expect(await countRows(pool, 'people_terminated')).toBe(4_000); // batch 1 only: batch 2 rolled back whole
    // Batch 3 had opened its COPY before batch 2's failure was known: it is cancelled, its connection freed.
    await waitUntil(() => pool.idleCount === pool.totalCount, 'every connection back in the pool', 5_000);

    const source = temp.file('rerun.csv');
    await writePeopleCsv(source, 12_000);
    const rerun = await importCsv({ pool, file: source, rejectsFile: temp.file(), table: 'people_terminated' });
    expect(rerun.inserted).toBe(8_000);
    expect(await countRows(pool, 'people_terminated')).toBe(12_000);
  });
});

describe('an import that fails mid-batch', () => {
  it('commits none of the batch it was streaming, and gives every connection back', async () => {
    await createPeopleTable(pool, 'people_aborted');
    const file = temp.file('aborted.csv');
    // The first bad row fails its write to the full disk; the second finds the rejects file broken.
    await writePeopleCsv(file, 30_000, { 3: BAD_ROW.badEmail, 15000: BAD_ROW.badEmail });
    const importing = importCsv({ pool, file, rejectsFile: '/dev/full', table: 'people_aborted', batchSize: 20_000 });
    await expect(importing).rejects.toThrow(/ENOSPC/);
    await waitUntil(() => pool.idleCount === pool.totalCount, 'every connection back in the pool', 5_000);
    expect(await countRows(pool, 'people_aborted')).toBe(0); // ~15,000 rows had reached the COPY: it was cancelled
  });
});
