import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { checkTableName, type Person, toCsvLine } from './people.js';
import { POSTGRES_TIMEOUT_MS, PostgresDeadline } from './postgres-deadline.js';

/** COPY is fast only when each message carries many rows: group lines into ~64 KiB strings. */
// Stryker disable next-line ArithmeticOperator: any size sends the same rows; only speed differs
function* csvChunks(people: readonly Person[], chunkChars = 64 * 1024): Generator<string> {
  let chunk = '';
  for (const person of people) {
    chunk += toCsvLine(person);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: chunking changes the speed, not the rows
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  // Stryker disable next-line ConditionalExpression: an empty string sent to COPY adds no row
  if (chunk) yield chunk;
}

// #region merge-batch
/**
 * The slow, duplicate-proof path: COPY into a temporary staging table, then merge into the real one
 * with ON CONFLICT DO NOTHING, in one transaction. Returns how many rows were new. The rows are all
 * in memory, so the whole merge is a wait on Postgres, and `timeoutMs` is its deadline.
 */
export async function mergeBatch(
  pool: pg.Pool,
  table: string,
  people: readonly Person[],
  timeoutMs = POSTGRES_TIMEOUT_MS,
): Promise<number> {
  const target = checkTableName(table);
  const client = await pool.connect();
  const deadline = new PostgresDeadline(client, timeoutMs);
  // Checked out, the client is not heard by the pool: a cut connection's 'error' would end the
  // process. The query in flight fails with it; a failed merge's connection is closed at release.
  const heard = () => {};
  client.on('error', heard);
  const merge = async (): Promise<number> => {
    await client.query('BEGIN');
    await client.query('CREATE TEMP TABLE staging (email text, name text, age integer) ON COMMIT DROP');
    await pipeline(Readable.from(csvChunks(people)), client.query(copyFrom('COPY staging FROM STDIN (FORMAT csv)')));
    const merged = await client.query(
      `INSERT INTO ${target} (email, name, age)
       SELECT email, name, age FROM staging ON CONFLICT (email) DO NOTHING`,
    );
    await client.query('COMMIT');
    return merged.rowCount ?? 0;
  };
  let failed = false;
  try {
    return await deadline.wait(merge(), 'a merge');
  } catch (error) {
    failed = true;
    throw deadline.timedOut ?? error;
  } finally {
    client.off('error', heard);
    // Closed after a failure, which also rolls the transaction back: a restart's FATAL error can leave
    // the socket looking open a moment longer, and a ROLLBACK on it would wait for nothing.
    client.release(failed);
  }
}
// #endregion merge-batch
