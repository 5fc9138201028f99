import pg from 'pg';

/** A pool whose connections the test cuts, with what its connections reported on the way. */
export interface PoolThroughProxy {
  pool: pg.Pool;
  /** Errors of idle connections (a cut, a terminated session): expected here, so kept, never unhandled. */
  errors: Error[];
  /** Ends the pool and waits until every socket has closed, before the database is dropped. */
  close(): Promise<void>;
}

/**
 * Like `testPool` from `@cookbook/shared/testing`, whose close waits on `events.once(client, 'end')`:
 * that promise rejects when a cut client emits 'error' before 'end', an unhandled rejection. Here a
 * client's end is awaited on its own, so a cut connection cannot fail the run.
 */
export function poolThroughProxy(config: pg.PoolConfig): PoolThroughProxy {
  const pool = new pg.Pool(config);
  const errors: Error[] = [];
  const ended: Promise<void>[] = [];
  pool.on('connect', (client) => ended.push(new Promise((resolve) => client.once('end', resolve))));
  pool.on('error', (error) => errors.push(error));
  return {
    pool,
    errors,
    async close() {
      if (!pool.ended) await pool.end();
      await Promise.all(ended);
    },
  };
}
