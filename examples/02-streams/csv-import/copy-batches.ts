import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { checkTableName, type Person, toCsvLine } from './people.js';
import type { ImportCounts } from './validate-rows.js';

/** COPY is fast only when each chunk carries many rows: group lines into ~64 KiB strings. */
function* csvChunks(people: readonly Person[], chunkChars = 64 * 1024): Generator<string> {
  let chunk = '';
  for (const person of people) {
    chunk += toCsvLine(person);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

// #region copy-batch
/**
 * One batch, one transaction: COPY into a temporary staging table, then merge into the real one,
 * skipping emails already there. A crash loses at most the batch in flight, never half of it,
 * and re-running the same file inserts only what is missing.
 */
export async function copyBatch(pool: pg.Pool, table: string, people: readonly Person[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE staging (email text, name text, age integer) ON COMMIT DROP');
    await pipeline(Readable.from(csvChunks(people)), client.query(copyFrom('COPY staging FROM STDIN (FORMAT csv)')));
    const merged = await client.query(
      `INSERT INTO ${checkTableName(table)} (email, name, age)
       SELECT email, name, age FROM staging ON CONFLICT (email) DO NOTHING`,
    );
    await client.query('COMMIT');
    return merged.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
// #endregion copy-batch

// #region copy-writable
/**
 * A Writable that collects `batchSize` people and calls back only once their batch has committed:
 * while Postgres works, the parser upstream is paused. Backpressure runs from the database to the file.
 */
export function copyInBatches(
  pool: pg.Pool,
  table: string,
  batchSize: number,
  counts: ImportCounts,
  onBatch: (counts: Readonly<ImportCounts>) => void = () => {},
): Writable {
  let batch: Person[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const people = batch;
    batch = [];
    counts.inserted += await copyBatch(pool, table, people);
    counts.batches++;
    onBatch(counts);
  };
  return new Writable({
    objectMode: true,
    write(person: Person, _encoding, callback) {
      batch.push(person);
      if (batch.length < batchSize) return callback();
      flush().then(() => callback(), callback);
    },
    final(callback) {
      flush().then(() => callback(), callback);
    },
  });
}
// #endregion copy-writable
