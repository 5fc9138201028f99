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

export function positiveInt(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
    throw new ValidationError(field, `${field} must be a positive integer`);
  }
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
    if (isBodyParseError(error)) return void res.status(400).json({ error: 'body is not valid JSON', field: 'body' });
    log.error('unhandled error', { error: error instanceof Error ? error.stack : String(error) });
    res.status(500).json({ error: 'internal error' });
  };
}

function isBodyParseError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'entity.parse.failed';
}
