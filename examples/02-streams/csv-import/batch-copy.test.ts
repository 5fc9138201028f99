import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { BatchCopy, copyBatch } from './batch-copy.js';
import { importCsv } from './csv-import.js';
import { mergeBatch } from './merge-batch.js';
import { createPeopleTable, type Person, toCsvLine } from './people.js';
import { countRows } from './test/count-rows.js';

const database = useTestDatabase('streams-csv-batch-copy');
const temp = useTempDir('csv-batch-copy');
let pool: pg.Pool;

beforeAll(() => {
  pool = database.pool({ max: 2 });
});

/** People whose CSV line is exactly 64 characters: 1,024 of them fill one 64 KiB COPY chunk. */
function people(count: number, from = 0): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const email = `p${String(from + i).padStart(7, '0')}@example.com`;
    return { email, name: 'N'.repeat(64 - email.length - 5), age: 42 };
  });
}

describe('a batch COPY', () => {
  it('whose last row also fills a chunk still commits (a batch boundary on a chunk boundary)', async () => {
    await createPeopleTable(pool, 'people_boundary');
    const file = temp.file();
    const rows = people(2_048);
    expect(toCsvLine(rows[0] as Person)).toHaveLength(64);
    await writeFile(file, `email,name,age\n${rows.map(toCsvLine).join('')}`);
    const counts = await importCsv({
      pool,
      file,
      rejectsFile: temp.file(),
      table: 'people_boundary',
      batchSize: 1_024,
    });
    expect(counts).toMatchObject({ inserted: 2_048, batches: 2 });
    expect(await countRows(pool, 'people_boundary')).toBe(2_048);
  });

  it('cancelled after Postgres already stopped it (a duplicate) rolls back and frees its connection', async () => {
    await createPeopleTable(pool, 'people_stopped');
    const [taken] = people(1);
    await copyBatch(pool, 'people_stopped', [taken as Person]);
    const batch = await BatchCopy.open(pool, 'people_stopped');
    // The duplicate first, then enough rows to send a chunk and more: Postgres fails the COPY mid-batch.
    for (const person of [taken as Person, ...people(3_000, 1)]) await batch.add(person);
    // Postgres has answered the duplicate when the batch's backend is idle again.
    await waitUntil(async () => {
      const { rows } = await pool.query<{ state: string }>(
        "SELECT state FROM pg_stat_activity WHERE query LIKE 'COPY people_stopped%' AND pid <> pg_backend_pid()",
      );
      return rows[0]?.state === 'idle';
    }, 'the COPY to stop');
    await sleep(100); // and the client has read the error
    await batch.abort();
    expect(await countRows(pool, 'people_stopped')).toBe(1);
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it('leaves no listener of its own on the pooled client, batch after batch', async () => {
    await createPeopleTable(pool, 'people_listeners');
    const client = await pool.connect(); // the idle one: sequential batches all get it back
    client.release();
    const listeners = client.listenerCount('error'); // the pool's own, for while it is idle
    for (let at = 0; at < 5; at++) await copyBatch(pool, 'people_listeners', people(10, at * 10));
    expect(client.listenerCount('error')).toBe(listeners);
    expect(await countRows(pool, 'people_listeners')).toBe(50);
    for (let at = 5; at < 10; at++) await mergeBatch(pool, 'people_listeners', people(10, at * 10));
    expect(client.listenerCount('error')).toBe(listeners); // nor does a merge
    expect(await countRows(pool, 'people_listeners')).toBe(100);
  });

  it('that fails for any reason but a duplicate (here its connection is cut) is not merged: nothing lands', async () => {
    await createPeopleTable(pool, 'people_cut_batch');
    const batch = await BatchCopy.open(pool, 'people_cut_batch');
    for (const person of people(100)) await batch.add(person);
    await waitUntil(async () => {
      const { rowCount } = await pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY people_cut_batch%' AND pid <> pg_backend_pid()",
      );
      return rowCount === 1;
    }, 'the COPY to reach Postgres, and be cut');
    // A merge would load these 100 rows on a fresh connection, as if the cut had been a duplicate.
    await expect(batch.commit()).rejects.toThrow(/terminat|ECONNRESET|EPIPE/i);
    expect(await countRows(pool, 'people_cut_batch')).toBe(0);
  });
});
