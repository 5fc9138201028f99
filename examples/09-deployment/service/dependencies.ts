import type { ErrorRequestHandler, Response } from 'express';
import { ReplyError } from 'ioredis';
import pg from 'pg';

/** How long a client should wait before retrying a 503: about one dependency timeout and a bit. */
export const RETRY_AFTER_SECONDS = 2;

/** A dependency did not answer in time, or could not be reached: the request cannot be served now. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly dependency: string;
  /** What the client library said: the log line's `reason`. */
  readonly reason: string;
  constructor(dependency: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${dependency} unavailable: ${reason}`, { cause });
    this.dependency = dependency;
    this.reason = reason;
  }
}

/** True when the error is the dependency's own answer (bad SQL, a wrong Redis type): a bug, not an outage. */
function isAnswer(error: unknown): boolean {
  // SQLSTATE classes that mean "the database cannot serve this now" (08 connection, 53 resources,
  // 57 operator intervention, which includes 57014, cancelled by statement_timeout).
  if (error instanceof pg.DatabaseError) return !/^(08|53|57)/.test(String(error.code));
  return error instanceof ReplyError;
}

// #region dependency
/** Runs one call to `name`; a timeout, refusal or lost connection becomes a DependencyUnavailableError. */
export async function dependency<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isAnswer(error) ? error : new DependencyUnavailableError(name, error);
  }
}

/** An outage is a fast 503 with Retry-After and one log line per request (the request line), no stack. */
export function dependencyErrors(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (!(error instanceof DependencyUnavailableError)) return next(error);
    logFields(res, { dependency: error.dependency, reason: error.reason });
    res
      .status(503)
      .set('retry-after', String(RETRY_AFTER_SECONDS))
      .json({ error: 'dependency_unavailable', dependency: error.dependency });
  };
}
// #endregion dependency

/** Fields added to the request's log line (see ../logging/request-logging.ts). */
export function logFields(res: Response, fields: Record<string, unknown>): void {
  res.locals.logFields = { ...(res.locals.logFields as object | undefined), ...fields };
}
