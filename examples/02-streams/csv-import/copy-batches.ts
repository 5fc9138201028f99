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

/** Postgres' unique_violation: a row's email is already in the table, or twice in the batch. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}

// #region copy-batch
/**
 * One batch, one transaction. The fast path COPYs straight into the table: one statement, so it is
 * its own transaction, all of the batch or none of it. Only when an email is already there (a
 * re-run, a duplicate in the file) does the batch fall back to the staging-table merge, which
 * skips those emails. Either way a crash loses at most the batch in flight, never half of it, and
 * re-running the same file inserts only what is missing.
 */
export async function copyBatch(pool: pg.Pool, table: string, people: readonly Person[]): Promise<number> {
  const target = checkTableName(table);
  try {
    await copyInto(pool, `COPY ${target} (email, name, age) FROM STDIN (FORMAT csv)`, people);
    return people.length;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return mergeBatch(pool, target, people);
  }
}
// #endregion copy-batch

async function copyInto(client: pg.Pool | pg.PoolClient, copySql: string, people: readonly Person[]): Promise<void> {
  const connection = 'release' in client ? client : await client.connect();
  try {
    await pipeline(Readable.from(csvChunks(people)), connection.query(copyFrom(copySql)));
  } finally {
    if (connection !== client) connection.release();
  }
}

// #region merge-batch
/**
 * The slow, duplicate-proof path: COPY into a temporary staging table, then merge into the real one
 * with ON CONFLICT DO NOTHING, in one transaction. Returns how many rows were new.
 */
export async function mergeBatch(pool: pg.Pool, table: string, people: readonly Person[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE staging (email text, name text, age integer) ON COMMIT DROP');
    await copyInto(client, 'COPY staging FROM STDIN (FORMAT csv)', people);
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
// #endregion merge-batch

// #region copy-writable
/**
 * A Writable that collects `batchSize` people and hands each full batch to Postgres without waiting
 * for it: Node parses the next batch while Postgres loads this one. Before sending a batch it waits
 * for the one in flight, so at most two batches are in memory and the parser is paused whenever
 * Postgres is behind: backpressure runs from the database to the file.
 */
export function copyInBatches(
  pool: pg.Pool,
  table: string,
  batchSize: number,
  counts: ImportCounts,
  onBatch: (counts: Readonly<ImportCounts>) => void = () => {},
): Writable {
  let batch: Person[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  const send = async () => {
    await inFlight; // one batch in flight; its failure fails this write
    const people = batch;
    batch = [];
    inFlight = copyBatch(pool, table, people).then((inserted) => {
      counts.inserted += inserted;
      counts.batches++;
      onBatch(counts);
    });
    // Handled here so a failure waits, unreported as unhandled, for the next send or final to throw it.
    inFlight.catch(() => {});
  };
  return new Writable({
    objectMode: true,
    write(person: Person, _encoding, callback) {
      batch.push(person);
      if (batch.length < batchSize) return callback();
      send().then(() => callback(), callback);
    },
    final(callback) {
      const last = batch.length > 0 ? send() : Promise.resolve();
      last.then(() => inFlight).then(() => callback(), callback);
    },
  });
}
// #endregion copy-writable
