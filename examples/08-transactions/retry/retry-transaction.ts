import { setTimeout as sleep } from 'node:timers/promises';

/** SQLSTATEs that mean "nothing was applied; run the whole transaction again". */
export const RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available: lock_timeout or NOWAIT gave up waiting
]);

/** The error, the `pg` error a Sequelize error wraps (`parent`), and what each was caused by. */
function* errorChain(error: unknown, depth = 0): Generator<{ code?: unknown; message?: unknown }> {
  if (typeof error !== 'object' || error === null || depth > 5) return;
  const { parent, cause } = error as { parent?: unknown; cause?: unknown };
  yield error;
  yield* errorChain(parent, depth + 1);
  yield* errorChain(cause, depth + 1);
}

/** The SQLSTATE of a `pg` error, of the one a Sequelize error wraps, or of the one an error was caused by. */
export function sqlState(error: unknown): string | undefined {
  for (const { code } of errorChain(error)) if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return undefined;
}

/** Postgres rolled the transaction back and nothing was applied: 40001, 40P01, 55P03. */
export function isConflict(error: unknown): boolean {
  // Widened, so an error without a SQLSTATE asks for `undefined`, which no set member equals.
  const retryable: ReadonlySet<string | undefined> = RETRYABLE_SQLSTATES;
  return retryable.has(sqlState(error));
}

/**
 * The connection died under the transaction: the server rolls back whatever was not committed, but
 * if the COMMIT was already on its way it may have landed. Retry only work that is idempotent.
 */
export function isConnectionLost(error: unknown): boolean {
  for (const { code, message } of errorChain(error)) {
    if (typeof code === 'string' && (/^08/.test(code) || /^57P0[123]$/.test(code) || /^E(CONNRESET|PIPE)$/.test(code)))
      return true;
    if (typeof message === 'string' && /Connection terminated|not queryable/.test(message)) return true;
  }
  return false;
}

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Which errors to retry; by default `isConflict`. */
  retryOn?: (error: unknown) => boolean;
  /** Called before each retry, e.g. to count or log them. */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
  random?: () => number;
  wait?: (ms: number) => Promise<unknown>;
}

// #region retry-transaction
/**
 * Runs `work` (one whole transaction) again when Postgres aborted it for a serialization failure,
 * a deadlock or a lock wait that timed out (or whatever `retryOn` accepts), up to `attempts` times,
 * sleeping a random "full jitter" delay that doubles each time so the transactions that collided do
 * not collide again in lockstep. Any other error, and the last retryable one, is thrown as is.
 */
export async function retryTransaction<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { attempts = 5, baseDelayMs = 5, maxDelayMs = 200, retryOn = isConflict } = options;
  const { random = Math.random, wait = sleep } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= attempts || !retryOn(error)) throw error;
      const delayMs = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      options.onRetry?.(attempt, error, delayMs);
      await wait(delayMs);
    }
  }
}
// #endregion retry-transaction
