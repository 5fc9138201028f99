import type { RequestHandler } from 'express';
import type pg from 'pg';
import { logFields, RETRY_AFTER_SECONDS } from './dependencies.js';

// #region shed-load
/**
 * Load shedding at the door: once `maxWaiting` requests already wait for a Postgres connection,
 * the next one is answered 503 at once. The pool's connectionTimeoutMillis bounds how long those
 * that do queue may wait; together they keep a slow database from growing an endless queue.
 */
export function shedLoad(pool: pg.Pool, maxWaiting: number): RequestHandler {
  return (_req, res, next) => {
    if (pool.waitingCount < maxWaiting) return next();
    logFields(res, { reason: 'shed', waiting: pool.waitingCount });
    res.status(503).set('retry-after', String(RETRY_AFTER_SECONDS)).json({ error: 'overloaded' });
  };
}
// #endregion shed-load
