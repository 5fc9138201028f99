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

// #region seed-enqueue
/** The Q&A's `queue.add('send', data)`: one attempt, so a transient SMTP hiccup drops the email. */
export function seedEnqueueEmail(queue: BullEmailQueue, email: Email) {
  return queue.add('send', email);
}
// #endregion seed-enqueue
