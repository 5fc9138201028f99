import * as Sentry from '@sentry/node';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';

/** An error that knows its HTTP status; anything else is a 500. */
export interface HttpError extends Error {
  status?: number;
  statusCode?: number;
}

/** Responses whose 5xx `handleErrors` already reported with its exception. */
const reported = new WeakSet<Response>();

// #region report-failed-responses
/**
 * Mount first. Reports every 5xx the app sends, including those a handler sends without throwing
 * (`res.status(503)`), once: a 5xx already reported by `handleErrors` is not sent twice.
 */
export function reportFailedResponses(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('finish', () => {
      if (res.statusCode < 500 || reported.has(res)) return;
      const route = (req.route as { path?: string } | undefined)?.path ?? req.path;
      Sentry.captureMessage(`${req.method} ${req.baseUrl}${route} answered ${res.statusCode}`, 'error');
    });
    next();
  };
}
// #endregion report-failed-responses

// #region handle-errors
/**
 * Mount last. A 5xx is reported with its stack and answered without its message; a 4xx is the caller's.
 * An error after the headers went out (a stream that broke midway) is reported too: too late for an
 * answer, Express's own handler cuts the connection, and no 5xx is ever sent for `reportFailedResponses`.
 */
export function handleErrors(): ErrorRequestHandler {
  return (error: HttpError, _req, res, next) => {
    if (res.headersSent) {
      Sentry.captureException(error);
      return next(error);
    }
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) {
      Sentry.captureException(error);
      reported.add(res);
      res.status(status).json({ error: 'internal error; it has been reported' });
      return;
    }
    res.status(status).json({ error: error.message });
  };
}
// #endregion handle-errors
