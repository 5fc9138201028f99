import pg from 'pg';

// #region pool
/**
 * One pool per process, created at startup. `max` bounds the connections this process opens
 * (Postgres' max_connections is shared by every instance); `connectionTimeoutMillis` turns
 * "every connection is busy" into an error instead of a request that hangs.
 */
export function createPool(
  connectionString: string,
  max = 10,
  applicationName = 'cookbook',
  onLostConnection: (error: Error) => void = (error) =>
    console.warn(`postgres: idle connection lost: ${error.message}`),
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 2_000,
    application_name: applicationName,
  });
  // A restart or failover ends idle connections, and the pool re-emits each one's error. Unheard,
  // that 'error' ends the process; heard, the dead client is dropped and the next query opens another.
  pool.on('error', onLostConnection);
  return pool;
}
// #endregion pool

export class PoolTimeoutError extends Error {
  override readonly name = 'PoolTimeoutError';
}

// #region with-client
/**
 * Checks out a client for several statements and always gives it back, even when `work` throws.
 * Checked out, a client is no longer heard by the pool: if the server ends its connection, an
 * 'error' with no listener ends the process. A client whose connection broke is destroyed on
 * release, not pooled: a restart's FATAL fails the query in flight a moment before its socket
 * closes, and in that moment the client still looks healthy to the pool.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  const heard = () => {};
  client.on('error', heard);
  let broken: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    if (sessionEnded(error)) broken = error;
    throw error;
  } finally {
    client.off('error', heard); // else every checkout adds one: a leak and, past ten, a warning
    client.release(broken); // an error here tells pg-pool to close the client instead
  }
}

/**
 * The server ended the session (FATAL: a restart, a kill). A lost socket needs no check here: pg marks
 * that client unqueryable, and pg-pool destroys it on release by itself.
 */
function sessionEnded(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && error.severity === 'FATAL';
}
// #endregion with-client

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    if (error instanceof Error && /timeout exceeded when trying to connect/.test(error.message)) {
      throw new PoolTimeoutError(
        `no database connection free within ${pool.options.connectionTimeoutMillis} ms: all ${pool.totalCount} in use`,
        { cause: error },
      );
    }
    throw error;
  }
}

// #region naive
/** ❌ Releases only on success: every query that throws keeps its client checked out for good. */
export async function leakyWithClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  const result = await work(client);
  client.release();
  return result;
}

/** ❌ A new connection per request: a TCP + auth handshake every time, and no cap on how many. */
export async function queryWithNewClient<R extends pg.QueryResultRow>(
  connectionString: string,
  sql: string,
  params: unknown[] = [],
  applicationName = 'cookbook',
): Promise<R[]> {
  const client = new pg.Client({ connectionString, application_name: applicationName });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** ❌ pg's defaults: no connection timeout, so when the pool is exhausted callers wait forever. */
export function naivePool(connectionString: string, max: number): pg.Pool {
  return new pg.Pool({ connectionString, max });
}
// #endregion naive
