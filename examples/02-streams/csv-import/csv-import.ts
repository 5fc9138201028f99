import { createReadStream, createWriteStream } from 'node:fs';
import { finished, pipeline } from 'node:stream/promises';
import csvParser from 'csv-parser';
import type pg from 'pg';
import { copyInBatches } from './copy-batches.js';
import { POSTGRES_TIMEOUT_MS } from './postgres-deadline.js';
import { type ImportCounts, validateRows } from './validate-rows.js';

export interface ImportOptions {
  pool: pg.Pool;
  /** The CSV to load: a header line `email,name,age`, then one person per line. */
  file: string;
  /** Where rejected rows go, one JSON object per line: `{ line, reason, row }`. */
  rejectsFile: string;
  table?: string;
  /** Rows per COPY (and per transaction); two batches at most are held in memory. */
  batchSize?: number;
  /**
   * How long the import waits on Postgres at any one step (room in a COPY, a commit, a merge)
   * before it cuts that connection and fails: 30 s unless set. Connecting is bounded by the pool's
   * own `connectionTimeoutMillis`.
   */
  timeoutMs?: number;
  /** Called after each batch commits: progress reporting. */
  onBatch?: (counts: Readonly<ImportCounts>) => void;
}

// #region import-csv
/**
 * file → csv-parser → validateRows → copyInBatches, in one pipeline: memory holds about two
 * batches, bad rows are set aside with their line number, and each batch is its own transaction.
 */
export async function importCsv(options: ImportOptions): Promise<ImportCounts> {
  const { pool, file, rejectsFile, table = 'people', batchSize = 20_000, timeoutMs = POSTGRES_TIMEOUT_MS } = options;
  const counts: ImportCounts = { rows: 0, valid: 0, rejected: 0, inserted: 0, batches: 0 };
  const rejects = createWriteStream(rejectsFile);
  // Listen from the start, so a failing rejects file is reported rather than an unhandled error.
  const rejectsClosed = finished(rejects).then(
    () => undefined,
    (error: Error) => error,
  );
  let failure: unknown;
  try {
    await pipeline(
      createReadStream(file),
      csvParser({ mapHeaders: ({ header }) => header.trim().toLowerCase() }),
      validateRows(rejects, counts),
      copyInBatches({ pool, table, batchSize, timeoutMs, onBatch: options.onBatch }, counts),
    );
  } catch (error) {
    failure = error;
  }
  rejects.end(); // flushed even after a failure: the rejects seen so far are still worth reading
  const rejectsError = await rejectsClosed;
  if (failure) throw failure;
  if (rejectsError) throw rejectsError;
  return counts;
}
// #endregion import-csv
