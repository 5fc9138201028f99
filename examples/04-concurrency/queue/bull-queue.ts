import Bull from 'bull';
import { DEFAULT_RETRY, type Email, type QueueSettings, type RetryPolicy, type SendEmail } from './email.js';

export type BullEmailQueue = Bull.Queue<Email>;

// #region bull-queue
export function createBullEmailQueue(settings: QueueSettings): BullEmailQueue {
  return new Bull<Email>(settings.name, settings.redisUrl, {
    prefix: settings.prefix,
    settings: {
      lockDuration: settings.lockDurationMs ?? 30_000,
      stalledInterval: settings.stalledIntervalMs ?? 30_000,
      // A job whose worker died is retried once; dying twice marks it failed instead of looping.
      // (1 is also the default: written out because it is a decision, and the tests hold it.)
      maxStalledCount: 1,
    },
  });
}

/** Every job carries its retry policy; keep failed jobs so someone can see why. */
export function enqueueEmail(queue: BullEmailQueue, email: Email, retry: RetryPolicy = DEFAULT_RETRY) {
  return queue.add('send', email, {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: 1000,
    removeOnFail: false,
  });
}

/** Concurrency 1: this worker runs one job at a time, in the order they were added. */
export function processEmails(queue: BullEmailQueue, sendEmail: SendEmail): Promise<void> {
  return queue.process('send', 1, (job) => sendEmail(job.data, job.attemptsMade + 1));
}
// #endregion bull-queue

type BullConnection = BullEmailQueue['clients'][number];
type ConnectionStatus = BullConnection['status'];

// #region close-bull
/**
 * `queue.close()` from settled connections, resolved once their sockets have closed. After Redis
 * restarts, each of Bull's clients reconnects on its own backoff, and ioredis re-sends the
 * subscriber's SUBSCRIBE as it becomes ready without holding that promise. Bull quits a client
 * caught between TCP connect and ready at once; the SUBSCRIBE then rejects ("Connection is
 * closed.") after close() has resolved: an unhandled rejection no 'error' listener sees, which ends
 * a Node process with exit code 1. Each wait lasts at most `settleMs` (Redis may still be down).
 */
export async function closeBullQueue(queue: BullEmailQueue, settleMs = 2_000): Promise<void> {
  await connectionsSettled(queue, settleMs);
  await queue.close();
  // Bull disconnects a connection blocked in BRPOPLPUSH without waiting for its socket to close.
  await connectionsSettled(queue, settleMs, ['end']);
}
// #endregion close-bull

/** Resolves when every connection of the queue is in one of `states` (or after `timeoutMs`). */
export function connectionsSettled(
  queue: BullEmailQueue,
  timeoutMs: number,
  states: readonly ConnectionStatus[] = ['ready', 'end'],
): Promise<void> {
  const settled = (client: BullConnection) => states.includes(client.status);
  const pending = queue.clients.filter((client) => !settled(client));
  if (pending.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (pending.every(settled)) finish();
    };
    const timer = setTimeout(() => finish(), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      for (const client of pending) client.off('ready', check).off('end', check);
      resolve();
    };
    for (const client of pending) client.on('ready', check).on('end', check);
  });
}

// #region seed-enqueue
/** The Q&A's `queue.add('send', data)`: one attempt, so a transient SMTP hiccup drops the email. */
export function seedEnqueueEmail(queue: BullEmailQueue, email: Email) {
  return queue.add('send', email);
}
// #endregion seed-enqueue
