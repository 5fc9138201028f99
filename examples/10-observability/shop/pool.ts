import pg from 'pg';
import type { Logger } from 'winston';

export interface ServicePoolOptions {
  connectionString: string;
  /** The service's name, sent as each connection's `application_name`. */
  service: string;
  max: number;
  logger: Logger;
}

/**
 * A pool that survives a Postgres restart or failover. The server ends the pool's idle connections
 * too, and pg-pool re-emits an idle client's error on the pool: an `'error'` with no listener
 * throws, and ends the process. The pool has already dropped that client and opens a new one at
 * the next checkout, so a log line is all it takes. A query in flight still rejects, to its caller.
 */
export function createServicePool({ connectionString, service, max, logger }: ServicePoolOptions): pg.Pool {
  // Named connections: pg_stat_activity then says which service holds each one.
  const pool = new pg.Pool({ connectionString, max, application_name: service });
  pool.on('error', (error: Error & { code?: string }) => {
    logger.warn('idle postgres connection lost', { error: error.message, code: error.code });
  });
  return pool;
}
