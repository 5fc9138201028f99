import { once } from 'node:events';
import { Transform, type Writable } from 'node:stream';
import { parsePerson } from './people.js';

export interface ImportCounts {
  rows: number;
  valid: number;
  rejected: number;
  inserted: number;
  batches: number;
}

// #region validate-rows
/**
 * Object mode in and out: parsed CSV records in, valid people out. A bad row becomes a line in
 * `rejects` (line number and reason) and the import carries on. Waiting for the rejects file's
 * 'drain' keeps backpressure intact on that side branch too.
 */
export function validateRows(rejects: Writable, counts: ImportCounts): Transform {
  return new Transform({
    objectMode: true,
    transform(row: Record<string, string>, _encoding, callback) {
      counts.rows++;
      // Line 1 is the header; this assumes no quoted field spans several lines.
      const line = counts.rows + 1;
      const person = parsePerson(row);
      if (!('reason' in person)) {
        counts.valid++;
        return callback(null, person);
      }
      counts.rejected++;
      if (rejects.destroyed) return callback(rejects.errored ?? new Error('the rejects file was closed'));
      const written = rejects.write(`${JSON.stringify({ line, reason: person.reason, row })}\n`);
      if (written) callback();
      else once(rejects, 'drain').then(() => callback(), callback);
    },
  });
}
// #endregion validate-rows
