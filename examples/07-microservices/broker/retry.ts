import type { ConfirmChannel } from 'amqplib';

/** How many times a message has been tried, counted on the copy that goes back for another try. */
export const ATTEMPT_HEADER = 'x-attempt';
/** Waits before the 2nd, 3rd and 4th attempt: together they outlast a restart of a dependency. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000];

export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

// #region retry-queues
/**
 * One queue per delay, holding retries and consumed by nobody: each message expires after the
 * queue's TTL and the broker dead-letters it back to the work queue. The wait costs no timer, no
 * memory in the consumer, and survives a consumer restart.
 */
// #region declare-retry-queues
export async function declareRetryQueues(ch: ConfirmChannel, queue: string, delaysMs: readonly number[]) {
  for (const delayMs of new Set(delaysMs)) {
    await ch.assertQueue(retryQueueName(queue, delayMs), {
      durable: true,
      messageTtl: delayMs,
      deadLetterExchange: '', // the default exchange routes by queue name…
      deadLetterRoutingKey: queue, // …back to the work queue
    });
  }
}
// #endregion declare-retry-queues

/**
 * The attempt a message is on. The header comes from whoever published the message, so anything
 * but a whole number from 1 to `maxAttempts` counts as the last attempt: a bad value can end the
 * retries early, never extend them (NaN, negative or huge counts once looped a message forever).
 */
export function readAttempt(raw: unknown, maxAttempts: number): { attempt: number; invalid?: string } {
  if (raw === undefined) return { attempt: 1 };
  // `% 1` and not Number.isInteger, which would make the typeof check redundant yet needed by the types.
  if (typeof raw === 'number' && raw % 1 === 0 && raw >= 1 && raw <= maxAttempts) return { attempt: raw };
  const shown = (JSON.stringify(raw) ?? String(raw)).slice(0, 40);
  return {
    attempt: maxAttempts,
    invalid: `${ATTEMPT_HEADER} header ${shown} is not an attempt from 1 to ${maxAttempts}`,
  };
}
// #endregion retry-queues
