import type pg from 'pg';

/** A connection checked out of a pool, and the one way to give it back. */
export interface Session {
  client: pg.PoolClient;
  /** Returns the connection to the pool, or destroys it if it broke while checked out. */
  release(): void;
}

// #region check-out
/**
 * `pool.connect()` hands out a client the pool no longer listens to: if its connection is cut
 * mid-transaction, the 'error' it emits has no listener and ends the process. This listens until
 * release, and a broken connection is destroyed rather than pooled again.
 */
export async function checkOut(pool: pg.Pool): Promise<Session> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  return {
    client,
    release: () => {
      client.off('error', onError);
      client.release(lost);
    },
  };
}
// #endregion check-out

// #region with-transaction
/**
 * Runs `work` in one transaction on one connection: COMMIT if it resolves, ROLLBACK if it throws.
 * If the connection is lost, the ROLLBACK fails too; the server has already rolled back on its own.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    release();
  }
}
// #endregion with-transaction
