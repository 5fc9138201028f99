import type { ErrorRequestHandler, RequestHandler } from 'express';
import { logFields, RETRY_AFTER_SECONDS } from './dependencies.js';

// #region deadline
/**
 * The last line of defence: whatever a handler waits on, the caller has an answer after `ms`, a 503
 * with Retry-After. Client timeouts should fire well before it; this catches what they do not cover.
 */
export function requestDeadline(ms: number): RequestHandler {
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      res.locals.deadlineExceeded = true;
      if (res.headersSent) return void res.destroy();
      logFields(res, { reason: `deadline of ${ms} ms exceeded` });
      res.status(503).set('retry-after', String(RETRY_AFTER_SECONDS)).json({ error: 'deadline_exceeded' });
    }, ms);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/** A handler that finishes after its deadline has nobody to answer: its late error is dropped, not logged. */
export function afterDeadline(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.locals.deadlineExceeded === true && res.headersSent) return;
    next(error);
  };
}
// #endregion deadline
