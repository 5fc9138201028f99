import { AppError, ConflictError, type FieldProblem, NotFoundError, ValidationError } from '../errors.js';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: readonly FieldProblem[] };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** True for a 5xx: worth a log line with the stack. */
  unexpected: boolean;
}

// #region to-http-error
/**
 * The one table from errors to HTTP, shared by the Express and the Fastify error handlers.
 * Known domain errors keep their code and message; a framework's own 4xx (malformed JSON, body
 * too large) keeps its status; anything else is a 500 that says nothing about what went wrong.
 */
export function toHttpError(error: unknown, requestId: string): HttpError {
  const domainStatus = error instanceof AppError ? statusOf(error) : undefined;
  if (error instanceof AppError && domainStatus !== undefined) {
    const details = error instanceof ValidationError ? error.details : undefined;
    return {
      status: domainStatus,
      unexpected: false,
      body: { error: { code: error.code, message: error.message, requestId, details } },
    };
  }
  const clientStatus = clientStatusOf(error);
  if (clientStatus !== undefined) {
    return {
      status: clientStatus,
      unexpected: false,
      body: { error: { code: 'BAD_REQUEST', message: 'The request body could not be read', requestId } },
    };
  }
  return {
    status: 500,
    unexpected: true,
    body: { error: { code: 'INTERNAL', message: 'Internal server error', requestId } },
  };
}
// #endregion to-http-error

/** An AppError subclass missing here is a bug in this table: it falls through to a logged 500. */
function statusOf(error: AppError): number | undefined {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  return undefined;
}

/**
 * Only the frameworks' own request errors count: body-parser marks them `expose: true` (with
 * `status`), Fastify gives them an `FST_` code (with `statusCode`). An upstream client's error
 * that happens to carry `status: 404` is still our bug, not the caller's.
 */
function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode, expose, code } = error as Record<string, unknown>;
  const value = expose === true ? status : typeof code === 'string' && code.startsWith('FST_') ? statusCode : undefined;
  return typeof value === 'number' && value >= 400 && value < 500 ? value : undefined;
}

export function routeNotFound(method: string, path: string, requestId: string): ErrorBody {
  return { error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${method} ${path}`, requestId } };
}
