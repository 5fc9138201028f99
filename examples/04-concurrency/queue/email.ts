/** What the queue recipes send: small, serialisable, no functions or class instances. */
export interface Email {
  to: string;
  subject: string;
  body: string;
}

/** The slow, sometimes failing side effect a queue takes off the request path. */
export type SendEmail = (email: Email, attempt: number) => Promise<void>;

/** Where the queue keeps its Redis keys, and how quickly it notices a dead worker. */
export interface QueueSettings {
  redisUrl: string;
  /** Namespaces every key, so queues of different apps (or tests) never meet. */
  prefix: string;
  name: string;
  /** How long a worker's claim on a job lasts without renewal; a dead worker's job is free after it. */
  lockDurationMs?: number;
  /** How often a worker looks for jobs whose claim has lapsed. */
  stalledIntervalMs?: number;
}

/** Retry with exponential backoff: waits of `backoffMs`, 2×, 4× … between attempts. */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffMs: 1000 };
