import { createReadStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import csvParser from 'csv-parser';
import type pg from 'pg';
import { checkTableName } from './people.js';

// #region naive-import
/**
 * The Q&A's shape: a `.pipe()` chain ending in a writer that INSERTs one row per round trip, in
 * autocommit, without validation. The first bad row stops the import half done: the rows before
 * it are committed, the rows after it are never read, and nothing says which line failed.
 */
export function naiveImportCsv(pool: pg.Pool, file: string, table: string): Promise<void> {
  const sql = `INSERT INTO ${checkTableName(table)} (email, name, age) VALUES ($1, $2, $3)`;
  const writeToDatabase = new Writable({
    objectMode: true,
    write(row: Record<string, string>, _encoding, callback) {
      pool.query(sql, [row.email, row.name, row.age]).then(() => callback(), callback);
    },
  });
  const passThroughRows = new Transform({
    objectMode: true,
    transform(row, _encoding, callback) {
      callback(null, row);
    },
  });
  createReadStream(file).pipe(csvParser()).pipe(passThroughRows).pipe(writeToDatabase);
  return new Promise((resolve, reject) => writeToDatabase.on('finish', resolve).on('error', reject));
}
// #endregion naive-import
