import type pg from 'pg';

/** How long a batch waits on Postgres, at any one step, unless the import is told otherwise. */
export const POSTGRES_TIMEOUT_MS = 30_000;

/** Postgres left a batch waiting past its deadline, so its connection was cut and the import stopped. */
export class PostgresTimeoutError extends Error {
  override readonly name = 'PostgresTimeoutError';
}

// #region postgres-deadline
/**
 * A deadline on one checked-out connection. Nothing else bounds a wait on a Postgres that has
 * stopped answering (a frozen VM, a stopped process, a migration holding a lock): the kernel of a
 * stopped server still acknowledges our bytes and keepalives, and its statement_timeout is a timer
 * that stops with it. Past the deadline the socket is destroyed, which fails what is in flight with
 * pg's "Connection terminated"; pg-pool then drops the client at release.
 */
export class PostgresDeadline {
  #timedOut: PostgresTimeoutError | undefined;
  readonly #client: pg.PoolClient;
  readonly #ms: number;

  constructor(client: pg.PoolClient, ms: number) {
    this.#client = client;
    this.#ms = ms;
  }

  /** Waits for `answer`; if it takes longer than the deadline, cuts the connection first. */
  async wait<T>(answer: Promise<T>, what: string): Promise<T> {
    const timer = setTimeout(() => {
      this.#timedOut ??= new PostgresTimeoutError(
        `Postgres did not answer ${what} within ${this.#ms} ms, so its connection was cut. ` +
          'Run the import again once Postgres answers: it skips the rows already in and loads the rest.',
      );
      this.#client.connection.stream.destroy();
    }, this.#ms);
    try {
      return await answer;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why the connection was cut, if it was: the error to report instead of pg's "Connection terminated". */
  get timedOut(): PostgresTimeoutError | undefined {
    return this.#timedOut;
  }
}
// #endregion postgres-deadline
