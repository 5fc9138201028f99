import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../correlation/logger.js';

/** Bad input: answered 400 with the offending field, never a 500. */
export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/** Well-formed input the current state refuses (a key reused with another request): 422. */
export class UnprocessableError extends ValidationError {
  override name = 'UnprocessableError';
}

/** The request clashes with what exists (a user with this email): 409 with the field. */
export class ConflictError extends ValidationError {
  override name = 'ConflictError';
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A dependency this service needs is down: 503, so callers and load balancers back off. */
export class DependencyUnavailableError extends Error {
  override name = 'DependencyUnavailableError';
}

/** The largest value of a Postgres `integer` column: past it, the INSERT fails with a 500. */
export const INT4_MAX = 2 ** 31 - 1;

/** A positive integer (a number, or a string of digits from a path) no larger than its column allows. */
export function positiveInt(value: unknown, field: string, max = INT4_MAX): number {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
    throw new ValidationError(field, `${field} must be a positive integer`);
  }
  if (n > max) throw new ValidationError(field, `${field} must be at most ${max.toLocaleString('en-US')}`);
  return n;
}

export function nonEmptyString(value: unknown, field: string, max = 200): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new ValidationError(field, `${field} must be a non-empty string of at most ${max} characters`);
  }
  return value.trim();
}

/** The one place errors become HTTP answers. */
export function errorHandler(log: Logger) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ValidationError) {
      const status = error instanceof ConflictError ? 409 : error instanceof UnprocessableError ? 422 : 400;
      return void res.status(status).json({ error: error.message, field: error.field });
    }
    if (error instanceof NotFoundError) return void res.status(404).json({ error: error.message });
    if (error instanceof DependencyUnavailableError) return void res.status(503).json({ error: error.message });
    const bodyError = bodyErrorOf(error);
    if (bodyError) return void res.status(bodyError.status).json({ error: bodyError.message, field: 'body' });
    log.error('unhandled error', { error: error instanceof Error ? error.stack : String(error) });
    res.status(500).json({ error: 'internal error' });
  };
}

// #region body-errors
/**
 * The body parser's refusals (bad JSON, a charset or content-encoding it cannot read, gzip that is
 * not gzip, too large once inflated, cut short) carry a 4xx `status` and `expose: true`, its sign
 * that the message is safe to show. Left to the catch-all, each was a 500.
 */
function bodyErrorOf(error: unknown): { status: number; message: string } | undefined {
  const { type, status, expose, message } = (error ?? {}) as Record<string, unknown>;
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return;
  if (type === 'entity.parse.failed') return { status, message: 'body is not valid JSON' };
  if (type === 'entity.too.large') return { status, message: 'body is too large' };
  return { status, message: `body could not be read: ${typeof message === 'string' ? message : 'unknown reason'}` };
}
// #endregion body-errors
