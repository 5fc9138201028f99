import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from './logger.js';

const INCOMING_ID = /^[\w.-]{1,128}$/;

/** The request's child logger (its lines carry the request id), made the first time a handler asks. */
export function requestLog(res: Response): Logger {
  res.locals.log ??= (res.locals.logger as Logger).child({ requestId: res.getHeader('x-request-id') });
  return res.locals.log as Logger;
}

export interface RequestLoggingOptions {
  /** Requests that get no line; by default a probe that passed (see `passedProbe`). */
  skip?: (req: Request, res: Response) => boolean;
}

// #region passed-probe
/**
 * A kubelet, a load balancer and a Docker HEALTHCHECK each probe every few seconds: a line for each
 * passing probe is most of the log and most of the logging cost. A failing probe is news: logged.
 */
export function passedProbe(req: Request, res: Response): boolean {
  return res.statusCode < 400 && req.path.startsWith('/health/');
}
// #endregion passed-probe

// #region request-logging
/**
 * Gives every request an id (the caller's `x-request-id` if sane, else a new one), echoes it in
 * the response, and logs one line when the response finishes: method, path, status, duration.
 * The query string is left out: tokens travel there more often than anyone admits. Passing
 * probes are not logged (`skip`); the child logger is made only for a line that is written.
 */
export function requestLogging(logger: Logger, { skip = passedProbe }: RequestLoggingOptions = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('x-request-id');
    const requestId = header && INCOMING_ID.test(header) ? header : randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', requestId);
    res.locals.logger = logger;
    const fields = () => ({
      method: req.method,
      path: req.originalUrl.split('?')[0],
      status: res.statusCode,
      durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      // What the handlers added for this line, e.g. which dependency failed (res.locals.logFields).
      ...(res.locals.logFields as Record<string, unknown> | undefined),
    });
    res.on('finish', () => {
      if (skip(req, res)) return;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      requestLog(res).log(level, 'request', fields());
    });
    res.on('close', () => {
      if (!res.writableFinished) requestLog(res).warn('request aborted', fields());
    });
    next();
  };
}
// #endregion request-logging

// #region error-handler
/** The one place errors become HTTP: 4xx names the field, anything else is a logged 500. */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    if (error instanceof SyntaxError && status === 400) {
      res.status(400).json({ error: 'invalid_json', field: 'body' });
      return;
    }
    requestLog(res).error('unhandled error', { err: error });
    res.status(500).json({ error: 'internal', requestId: res.getHeader('x-request-id') });
  };
}
// #endregion error-handler

// #region naive-logging
/** The habit the Q&A leaves room for: dump the whole request "for debugging". */
export function naiveRequestLogging(logger: Logger): RequestHandler {
  return (req, _res, next) => {
    logger.info('request', { method: req.method, url: req.originalUrl, headers: req.headers, body: req.body });
    next();
  };
}
// #endregion naive-logging
