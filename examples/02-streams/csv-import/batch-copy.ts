import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { mergeBatch } from './merge-batch.js';
import { checkTableName, type Person, toCsvLine } from './people.js';
import { POSTGRES_TIMEOUT_MS, PostgresDeadline } from './postgres-deadline.js';

/** COPY is fast only when each message carries many rows: lines are sent in ~64 KiB strings. */
// Stryker disable next-line ArithmeticOperator: any size sends the same rows; only the bench can tell
const CHUNK_CHARS = 64 * 1024;

/** Postgres' unique_violation: a row's email is already in the table, or twice in the batch. */
function isUniqueViolation(error: unknown): boolean {
  // Stryker disable next-line OptionalChaining: only ever called with the error a COPY failed with, never null
  return (error as { code?: unknown } | null)?.code === '23505';
}

/**
 * One batch, one transaction: a COPY straight into the table, fed while the file is still being
 * parsed, so that Postgres loads one chunk while Node parses the next. A COPY is one statement, so
 * all of the batch lands or none of it. The batch keeps its rows: when an email is already there
 * (a re-run, a duplicate in the file) Postgres stops the COPY, and commit() sends the rows again
 * through the staging-table merge, which skips those emails. Each wait on Postgres (for room in the
 * COPY, for its answer) has a deadline: a Postgres that stops answering fails the batch, not hangs it.
 */
export class BatchCopy {
  readonly people: Person[] = [];
  #lines = '';
  // pg-copy-streams emits a backend error without destroying the stream: this flag says the COPY is over.
  #stopped = false;
  readonly #pool: pg.Pool;
  readonly #table: string;
  readonly #client: pg.PoolClient;
  readonly #deadline: PostgresDeadline;
  readonly #timeoutMs: number;
  readonly #copy: Writable;
  readonly #failure: Promise<unknown>; // the COPY's error, or undefined once it has committed

  static async open(pool: pg.Pool, table: string, timeoutMs = POSTGRES_TIMEOUT_MS): Promise<BatchCopy> {
    const target = checkTableName(table); // before connecting: a refused name must not hold a connection
    return new BatchCopy(pool, target, await pool.connect(), timeoutMs);
  }

  private constructor(pool: pg.Pool, table: string, client: pg.PoolClient, timeoutMs: number) {
    this.#pool = pool;
    this.#table = table;
    this.#client = client;
    this.#deadline = new PostgresDeadline(client, timeoutMs);
    this.#timeoutMs = timeoutMs;
    // A checked-out client is no longer heard by the pool: unheard, a cut connection's 'error' ends
    // the process. The COPY fails with it, and the client is closed at release.
    client.on('error', this.#heard);
    this.#copy = client.query(copyFrom(`COPY ${table} (email, name, age) FROM STDIN (FORMAT csv)`));
    this.#copy.once('error', () => {
      this.#stopped = true;
    });
    this.#failure = finished(this.#copy).then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  // #region add-and-commit
  /** Adds a person. Returns a promise only when Postgres is behind: the caller waits, and so does the file. */
  add(person: Person): Promise<void> | undefined {
    this.people.push(person);
    this.#lines += toCsvLine(person);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: sending more often is slower, not different
    return this.#lines.length >= CHUNK_CHARS ? this.#send() : undefined;
  }

  /** Ends the COPY and returns how many rows are new, merging through staging after a unique violation. */
  async commit(): Promise<number> {
    await this.#send()?.catch(() => {}); // a timeout there has failed the COPY too: reported below
    // Stryker disable next-line ConditionalExpression: Postgres drops a CopyDone sent after its own error
    if (!this.#stopped) this.#copy.end();
    const error = await this.#deadline.wait(this.#failure, 'the end of a COPY');
    this.#release(error);
    if (!error) return this.people.length;
    if (this.#deadline.timedOut) throw this.#deadline.timedOut;
    if (!isUniqueViolation(error)) throw error;
    return mergeBatch(this.#pool, this.#table, this.people, this.#timeoutMs);
  }
  // #endregion add-and-commit

  /** The import failed elsewhere: cancel the COPY (a CopyFail), so that none of the batch lands. */
  async abort(): Promise<void> {
    // Stryker disable next-line ConditionalExpression: pg-copy-streams ignores a cancel after the server's own error
    // Stryker disable next-line StringLiteral: the CopyFail's message reaches only Postgres' log
    if (!this.#stopped) this.#copy.destroy(new Error('the import was aborted'));
    // Stryker disable next-line StringLiteral: abort() reports nothing; the import fails with its own error
    const failure = await this.#deadline.wait(this.#failure, 'the cancel of a COPY');
    this.#release(failure);
  }

  readonly #heard = (): void => {};

  /**
   * Back to the pool, or closed when its COPY failed other than on a duplicate: after a restart's
   * FATAL error the socket can still look open, and the pool would hand it to the next query.
   */
  #release(failure: unknown): void {
    this.#client.off('error', this.#heard); // else every batch adds one to the pooled client
    this.#client.release(failure !== undefined && !isUniqueViolation(failure));
  }

  #send(): Promise<void> | undefined {
    const lines = this.#lines;
    this.#lines = '';
    // A failed COPY takes no more data; the rows are still kept for commit() to merge.
    if (!lines || this.#stopped || this.#copy.write(lines)) return undefined;
    // A COPY that fails while we wait rejects once() with its error; commit() reports it. A timeout
    // is reported now: the file must stop being read into a batch that cannot land.
    return this.#deadline.wait(once(this.#copy, 'drain'), 'a COPY for more rows').then(
      () => undefined,
      () => {
        // Stryker disable next-line ConditionalExpression: throwing undefined is a success to the writer's callback
        if (this.#deadline.timedOut) throw this.#deadline.timedOut;
      },
    );
  }
}

/** A whole batch at once: COPY straight in, or the staging merge after a unique violation. */
export async function copyBatch(
  pool: pg.Pool,
  table: string,
  people: readonly Person[],
  timeoutMs = POSTGRES_TIMEOUT_MS,
): Promise<number> {
  const batch = await BatchCopy.open(pool, table, timeoutMs);
  for (const person of people) await batch.add(person);
  return batch.commit();
}
