import type { ErrorRequestHandler } from 'express';

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

export class ConflictError extends AppError {
  constructor(message: string, field: string) {
    super(409, message, { field });
  }
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

// #region error-handler
/**
 * The one place errors become HTTP: known errors keep their status and message, body-parser
 * failures (bad JSON, too large) become 4xx naming the body, and anything else is a bare 500
 * that never echoes internals (stack, SQL, driver messages) to the client.
 */
export function errorHandler(log: (error: unknown) => void = console.error): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json({ error: error.message, ...error.details });
      return;
    }
    if (isBodyParserError(error) && error.status >= 400 && error.status < 500) {
      const message = error.type === 'entity.parse.failed' ? 'body is not valid JSON' : error.type;
      res.status(error.status).json({ error: message, fields: [{ field: 'body', message }] });
      return;
    }
    log(error);
    res.status(500).json({ error: 'internal error' });
  };
}
// #endregion error-handler
