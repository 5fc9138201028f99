import {
  AppError,
  ConflictError,
  type FieldProblem,
  ForbiddenError,
  NotAuthenticatedError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from '../errors.js';
import { errorFields, type Logger } from '../utils/logger.js';
import { requestProblemOf } from './request-problems.js';

/**
 * How long a client should wait before retrying a 503: a Postgres restart or failover takes
 * seconds, and clients that all retry at once only pile more load on a database that is recovering.
 */
export const RETRY_AFTER_SECONDS = 5;

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: readonly FieldProblem[] };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  /** True for a 500, a bug: worth a log line with the stack. A 503 is an outage, not a bug. */
  unexpected: boolean;
  /** A 401 says which scheme to use, a 503 when to retry (RFC 9110). */
  headers?: Record<string, string>;
}

// #region to-http-error
/**
 * The one table from errors to HTTP, shared by the Express and the Fastify error handlers.
 * Known domain errors keep their code and message; a request the edge cannot read (malformed JSON,
 * a body too large, a bad path) keeps its 4xx and names the part at fault; a dependency that is
 * down or too slow (UnavailableError, from the data layer) is a 503 with Retry-After; anything else
 * is a 500. Neither 5xx says anything about what went wrong.
 */
export function toHttpError(error: unknown, requestId: string): HttpError {
  const status = error instanceof AppError ? statusOf(error) : undefined;
  if (error instanceof AppError && status !== undefined) {
    const details = error instanceof ValidationError ? error.details : undefined;
    return answer(status, { code: error.code, message: error.message, requestId, details }, HEADERS[status]);
  }
  const problem = requestProblemOf(error);
  if (problem) {
    const details = [{ field: problem.field, message: problem.message }];
    return answer(problem.status, { code: 'BAD_REQUEST', message: problem.message, requestId, details });
  }
  return answer(500, { code: 'INTERNAL', message: 'Internal server error', requestId });
}
// #endregion to-http-error

const HEADERS: Partial<Record<number, Record<string, string>>> = {
  401: { 'www-authenticate': 'Bearer' },
  503: { 'retry-after': String(RETRY_AFTER_SECONDS) },
};

function answer(status: number, error: ErrorBody['error'], headers?: Record<string, string>): HttpError {
  return { status, unexpected: status === 500, body: { error }, ...(headers ? { headers } : {}) };
}

// #region log-http-error
/**
 * What both error handlers log: a bug (500) with its stack; an outage (503) as one warning with
 * what failed and why, no stack (the code is fine, and a stack per request would drown the
 * alert); a 4xx nothing beyond the access line.
 */
export function logHttpError(
  logger: Logger,
  mapped: HttpError,
  error: unknown,
  request: { requestId: string; method: string; path: string },
): void {
  if (mapped.unexpected) logger.error('unhandled error', { ...request, ...errorFields(error) });
  else if (error instanceof UnavailableError) {
    const { errorName, errorMessage } = errorFields(error.cause);
    logger.warn('dependency unavailable', { ...request, dependency: error.dependency, errorName, errorMessage });
  }
}
// #endregion log-http-error

/** An AppError subclass missing here is a bug in this table: it falls through to a logged 500. */
function statusOf(error: AppError): number | undefined {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotAuthenticatedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof UnavailableError) return 503;
  return undefined;
}

export function routeNotFound(method: string, path: string, requestId: string): ErrorBody {
  return { error: { code: 'ROUTE_NOT_FOUND', message: `No route for ${method} ${path}`, requestId } };
}
