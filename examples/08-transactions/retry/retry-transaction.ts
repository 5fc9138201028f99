import { setTimeout as sleep } from 'node:timers/promises';

/** SQLSTATEs that mean "nothing was applied; run the whole transaction again". */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** The SQLSTATE of a `pg` error, or of the `pg` error a Sequelize error wraps. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, parent } = error as { code?: unknown; parent?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return parent === undefined ? undefined : sqlState(parent);
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
 * Runs `work` (one whole transaction) again when Postgres aborted it for a serialization failure
 * or a deadlock, up to `attempts` times, sleeping a random "full jitter" delay that doubles each
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
