import { setTimeout as sleep } from 'node:timers/promises';

/** SQLSTATEs that mean "nothing was applied; run the whole transaction again". */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available: lock_timeout or NOWAIT gave up waiting
]);

/** The SQLSTATE of a `pg` error, or of the one a Sequelize error wraps (`parent`) or an error was caused by. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, parent, cause } = error as { code?: unknown; parent?: unknown; cause?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return sqlState(parent) ?? sqlState(cause);
}

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry, e.g. to count or log them. */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  random?: () => number;
  wait?: (ms: number) => Promise<unknown>;
}

// #region retry-transaction
/**
 * Runs `work` (one whole transaction) again when Postgres aborted it for a serialization failure,
 * a deadlock or a lock wait that timed out, up to `attempts` times, sleeping a random "full jitter" delay that doubles each
 * time so the transactions that collided do not collide again in lockstep. Any other error, and
 * the last retryable one, is thrown as is.
 */
export async function retryTransaction<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { attempts = 5, baseDelayMs = 5, maxDelayMs = 200, random = Math.random, wait = sleep } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const state = sqlState(error);
      if (attempt >= attempts || state === undefined || !RETRYABLE_SQLSTATES.has(state)) throw error;
      const delayMs = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      options.onRetry?.(attempt, error, delayMs);
      await wait(delayMs);
    }
  }
}
// #endregion retry-transaction
