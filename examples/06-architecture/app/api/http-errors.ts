import {
  AppError,
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  NotAuthenticatedError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { requestProblemOf } from './request-problems.js';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: readonly FieldProblem[] };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** True for a 5xx: worth a log line with the stack. */
  unexpected: boolean;
  /** A 401 says which scheme to use (RFC 9110). */
  headers?: Record<string, string>;
}

// #region to-http-error
/**
 * The one table from errors to HTTP, shared by the Express and the Fastify error handlers.
 * Known domain errors keep their code and message; a request the edge cannot read (malformed JSON,
 * a body too large, a bad path) keeps its 4xx and names the part at fault; anything else is a 500
 * that says nothing about what went wrong.
 */
export function toHttpError(error: unknown, requestId: string): HttpError {
  const status = error instanceof AppError ? statusOf(error) : undefined;
  if (error instanceof AppError && status !== undefined) {
    const details = error instanceof ValidationError ? error.details : undefined;
    const headers = status === 401 ? { 'www-authenticate': 'Bearer' } : undefined;
    return answer(status, { code: error.code, message: error.message, requestId, details }, headers);
  }
  const problem = requestProblemOf(error);
  if (problem) {
    const details = [{ field: problem.field, message: problem.message }];
    return answer(problem.status, { code: 'BAD_REQUEST', message: problem.message, requestId, details });
  }
  return answer(500, { code: 'INTERNAL', message: 'Internal server error', requestId });
}
// #endregion to-http-error

function answer(status: number, error: ErrorBody['error'], headers?: Record<string, string>): HttpError {
  return { status, unexpected: status >= 500, body: { error }, ...(headers ? { headers } : {}) };
}

/** An AppError subclass missing here is a bug in this table: it falls through to a logged 500. */
function statusOf(error: AppError): number | undefined {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotAuthenticatedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  return undefined;
}

export function routeNotFound(method: string, path: string, requestId: string): ErrorBody {
  return { error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${method} ${path}`, requestId } };
}
