import { Writable } from 'node:stream';
import type pg from 'pg';
import { BatchCopy } from './batch-copy.js';
import type { Person } from './people.js';
import type { ImportCounts } from './validate-rows.js';

export interface BatchTarget {
  pool: pg.Pool;
  table: string;
  batchSize: number;
  /** The deadline of each wait on Postgres: see PostgresDeadline. */
  timeoutMs: number;
  onBatch?: (counts: Readonly<ImportCounts>) => void;
}

// #region copy-writable
/**
 * A Writable that streams people into one COPY per `batchSize` rows. When a batch is full its COPY
 * is ended and the next batch opens on another connection at once, so Postgres is never left
 * waiting for Node to fill an array. Before ending a batch it waits for the previous one to
 * commit: batches commit in order, and at most two are in memory. A slow Postgres pauses the
 * parser through each COPY's 'drain': backpressure runs from the database to the file.
 */
export function copyInBatches(target: BatchTarget, counts: ImportCounts): Writable {
  const { pool, table, batchSize, timeoutMs, onBatch = () => {} } = target;
  let filling: BatchCopy | undefined;
  let opening: Promise<BatchCopy> | undefined; // the filling batch, from before its connection is ready
  const open = (): Promise<BatchCopy> => {
    opening = BatchCopy.open(pool, table, timeoutMs).then((batch) => (filling = batch));
    return opening;
  };
  let committed: Promise<void> = Promise.resolve();

  const commit = async (batch: BatchCopy): Promise<void> => {
    // The previous batch first; if it failed, this one is rolled back and the import fails with it.
    await committed.catch(async (error: unknown) => {
      await batch.abort();
      throw error;
    });
    const commitment = batch.commit().then((inserted) => {
      counts.inserted += inserted;
      counts.batches++;
      onBatch(counts);
    });
    // Handled here so a failure waits, unreported as unhandled, for the next commit or final to throw it.
    commitment.catch(() => {});
    committed = commitment;
  };

  const add = (batch: BatchCopy, person: Person): Promise<void> | undefined => {
    const waiting = batch.add(person);
    if (batch.people.length < batchSize) return waiting;
    filling = opening = undefined;
    return waiting ? waiting.then(() => commit(batch)) : commit(batch);
  };

  return new Writable({
    objectMode: true,
    write(person: Person, _encoding, callback) {
      const waiting = filling ? add(filling, person) : open().then((batch) => add(batch, person));
      if (waiting) waiting.then(() => callback(), callback);
      else callback();
    },
    final(callback) {
      const last = filling;
      filling = opening = undefined;
      (last ? commit(last) : Promise.resolve()).then(() => committed).then(() => callback(), callback);
    },
    destroy(error, callback) {
      // The pipeline failed mid-batch (a bad rejects file, an aborted read): roll the open COPY back.
      // It may still be connecting, so it is awaited through `opening`.
      const unfinished = opening;
      filling = opening = undefined;
      Promise.resolve(unfinished)
        .then((batch) => batch?.abort())
        .then(
          () => callback(error),
          () => callback(error), // a batch that never connected has nothing to roll back
        );
    },
  });
}
// #endregion copy-writable
