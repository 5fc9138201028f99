import type { ErrorRequestHandler } from 'express';
import { describeClientError } from './client-errors.js';

/** An error a client caused or may see: it carries its HTTP status and a safe public message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(readonly fields: readonly { field: string; message: string }[]) {
    super(400, 'invalid request', { fields });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'invalid or missing credentials') {
    super(401, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, field: string) {
    super(404, message, { field });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, field: string) {
    super(409, message, { field });
  }
}

/** How long a client should wait before retrying a 503: most dependency blips are over by then. */
export const RETRY_AFTER_SECONDS = 5;

/** Postgres or Redis did not answer in time, or could not be reached: the request cannot be served now. */
export class DependencyUnavailableError extends AppError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor(
    readonly dependency: 'postgres' | 'redis',
    cause: unknown,
  ) {
    // The body names neither the dependency nor the cause: both are internals, and go to the log.
    super(503, 'service unavailable, try again later', { retryAfter: RETRY_AFTER_SECONDS });
    this.cause = cause;
  }
}

// #region error-handler
/**
 * The one place errors become HTTP: known errors keep their status and message, a client error
 * from a library (a body that is not JSON, not decodable, too large) becomes its 4xx naming the
 * field, a dependency that did not answer is a 503 with Retry-After, and anything else is a bare
 * 500. None of them echoes internals (stack, SQL, driver messages); the log gets the 503s and 500s.
 */
export function errorHandler(log: (error: unknown) => void = console.error): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof DependencyUnavailableError) {
      log(error);
      res.set('Retry-After', String(error.retryAfterSeconds));
    }
    if (error instanceof AppError) {
      res.status(error.status).json({ error: error.message, ...error.details });
      return;
    }
    const client = describeClientError(error, req.headers['content-encoding']);
    if (client) {
      res
        .status(client.status)
        .json({ error: client.message, fields: [{ field: client.field, message: client.message }] });
      return;
    }
    log(error);
    res.status(500).json({ error: 'internal error' });
  };
}
// #endregion error-handler
