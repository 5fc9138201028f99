import { ReplyError } from 'ioredis';
import pg from 'pg';
import { DependencyUnavailableError } from './errors.js';

/**
 * True when the error is the dependency's own answer: a unique violation, bad SQL, a Redis error
 * reply (NOSCRIPT among them, which rate-limit-redis answers by reloading its script). Those keep
 * their meaning; everything else (a timeout, a refused or lost connection) is an outage.
 */
function isAnswer(error: unknown): boolean {
  // SQLSTATE classes that mean "Postgres cannot serve this now": 08 connection, 53 resources, 57
  // operator intervention (57014 is a query cancelled by statement_timeout).
  // Stryker disable next-line StringLiteral: any text that does not start with 08, 53 or 57 reads the same
  if (error instanceof pg.DatabaseError) return !/^(08|53|57)/.test(error.code ?? '');
  return error instanceof ReplyError;
}

// #region dependency
/** Runs one call to Postgres or Redis; a timeout, refusal or lost connection becomes a 503. */
export async function dependency<T>(name: 'postgres' | 'redis', call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isAnswer(error) ? error : new DependencyUnavailableError(name, error);
  }
}
// #endregion dependency
