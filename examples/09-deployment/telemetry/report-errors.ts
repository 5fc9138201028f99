import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { routePattern, watchRoutePatterns } from './metrics.js';
import { errorReports } from './started.js';

// Where the 5xx go is error-tracking.ts's choice (Sentry, when SENTRY_DSN is set); nothing otherwise.

/** Responses whose 5xx `reportServerErrors` already sent with its exception. */
const reported = new WeakSet<Response>();

// #region report-errors
/**
 * Mount first. Reports every 5xx the service answers, those a handler sends without throwing
 * included (the outage 503s, the deadline's, load shedding's), once each.
 */
export function reportFailedResponses(): RequestHandler {
  watchRoutePatterns();
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('finish', () => {
      if (res.statusCode < 500 || reported.has(res)) return;
      errorReports()?.captureMessage(`${req.method} ${routePattern(req)} answered ${res.statusCode}`, 'error');
    });
    next();
  };
}

/** Mount before the handler that answers 500: an unexpected error is reported with its stack. */
export function reportServerErrors(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    // Stryker disable next-line OptionalChaining: Express calls an error handler only with an error; next(undefined) is none
    const status = (error as { status?: unknown } | undefined)?.status;
    if (typeof status !== 'number' || status >= 500) {
      errorReports()?.captureException(error);
      reported.add(res);
    }
    next(error);
  };
}
// #endregion report-errors
