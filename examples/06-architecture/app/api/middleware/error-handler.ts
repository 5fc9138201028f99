import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../utils/logger.js';
import { logHttpError, routeNotFound, toHttpError } from '../http-errors.js';
import { requestIdFrom } from '../request-id.js';

// #region error-handler
/**
 * The only place an error becomes a response. Controllers do not catch: Express 5 sends a
 * rejected promise from a handler here by itself.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error); // Too late for a JSON body: let Express end the socket.
    const requestId: string = res.locals.requestId ?? requestIdFrom(undefined);
    const mapped = toHttpError(error, requestId);
    // The stack goes to the log, keyed by request id; the client gets the id to quote.
    logHttpError(logger, mapped, error, { requestId, method: req.method, path: req.path });
    res
      .status(mapped.status)
      .set(mapped.headers ?? {})
      .json(mapped.body);
  };
}
// #endregion error-handler

export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    res.status(404).json(routeNotFound(req.method, req.path, res.locals.requestId ?? requestIdFrom(undefined)));
  };
}
