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

// #region error-handler
/**
 * The one place errors become HTTP: known errors keep their status and message, a client error
 * from a library (a body that is not JSON, not decodable, too large) becomes its 4xx naming the
 * field, and anything else is a bare 500 that never echoes internals (stack, SQL, driver messages).
 */
export function errorHandler(log: (error: unknown) => void = console.error): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
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
