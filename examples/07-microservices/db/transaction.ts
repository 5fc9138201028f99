import type pg from 'pg';

// #region with-transaction
/**
 * Runs `work` inside BEGIN … COMMIT on one pooled connection, rolling back on any error. A
 * connection lost mid-transaction emits 'error' on the checked-out client, which pg-pool only
 * listens to while the client is idle: unheard, it crashes the process. Here it is heard, and a
 * broken connection is destroyed instead of going back to the pool.
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackFailed: Error) => {
      broken ??= rollbackFailed;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
// #endregion with-transaction
