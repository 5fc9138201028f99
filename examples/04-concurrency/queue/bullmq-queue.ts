import { Queue, Worker } from 'bullmq';
import { DEFAULT_RETRY, type Email, type QueueSettings, type RetryPolicy, type SendEmail } from './email.js';

export type BullmqEmailQueue = Queue<Email>;

// #region bullmq-queue
/** BullMQ splits Bull's one object in two: a `Queue` to add jobs, a `Worker` to run them. */
export function createBullmqEmailQueue(settings: QueueSettings): BullmqEmailQueue {
  return new Queue<Email>(settings.name, { connection: { url: settings.redisUrl }, prefix: settings.prefix });
}

export function enqueueEmailJob(queue: BullmqEmailQueue, email: Email, retry: RetryPolicy = DEFAULT_RETRY) {
  return queue.add('send', email, {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: 1000,
    removeOnFail: false,
  });
}

export function startEmailWorker(settings: QueueSettings, sendEmail: SendEmail): Worker<Email> {
  return new Worker<Email>(settings.name, (job) => sendEmail(job.data, job.attemptsMade + 1), {
    connection: { url: settings.redisUrl, maxRetriesPerRequest: null },
    prefix: settings.prefix,
    concurrency: 1,
    lockDuration: settings.lockDurationMs ?? 30_000,
    stalledInterval: settings.stalledIntervalMs ?? 30_000,
    maxStalledCount: 1,
  });
}
// #endregion bullmq-queue
