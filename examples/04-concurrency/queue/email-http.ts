import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Email } from './email.js';

/** Puts the email on a queue (Bull or BullMQ) and returns the job id. */
export type EnqueueEmail = (email: Email) => Promise<{ id?: string | number | undefined }>;

class InvalidFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function text(body: Record<string, unknown>, field: string, maxLength: number, pattern?: RegExp): string {
  const value = body[field];
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > maxLength ||
    (pattern && !pattern.test(value))
  ) {
    throw new InvalidFieldError(
      field,
      `${field} must be ${pattern ? 'an email address' : 'a non-empty string'} of at most ${maxLength} characters`,
    );
  }
  return value;
}

/** `work`, or a rejection once `ms` have passed without it settling. */
async function beforeDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  const stop = new AbortController();
  const deadline = sleep(ms, undefined, { signal: stop.signal }).then(() => {
    throw new Error(`the queue did not answer within ${ms} ms`);
  });
  return Promise.race([work, deadline]).finally(() => stop.abort());
}

// #region email-http
/**
 * The Q&A's producer: validate, enqueue, answer 202 at once. The request never waits for SMTP,
 * and a failure later is the queue's to retry, not the client's to see.
 */
export function createEmailApp(enqueue: EnqueueEmail, { enqueueTimeoutMs = 2_000 } = {}): express.Express {
  const app = express();
  app.use(express.json({ limit: '16kb' }));
  // Only the body parser's refusals reach this handler (the route comes after it): malformed JSON,
  // a body over the limit (413), an unknown charset (415). Each is the client's fault, not the queue's.
  app.use((error: Error & { status: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SyntaxError) {
      return void res.status(400).json({ error: 'invalid_json', field: 'body', message: 'body must be JSON' });
    }
    res.status(error.status).json({ error: 'invalid_body', field: 'body', message: error.message });
  });
  app.post('/emails', async (req, res) => {
    const body: Record<string, unknown> = req.body ?? {};
    const email: Email = {
      to: text(body, 'to', 254, /^[^@\s]+@[^@\s]+\.[^@\s]+$/),
      subject: text(body, 'subject', 200),
      body: text(body, 'body', 10_000),
    };
    // A paused or unreachable Redis never answers: give the client a fast 503, not a hung request.
    const job = await beforeDeadline(enqueue(email), enqueueTimeoutMs);
    res.status(202).json({ queued: true, jobId: job.id });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof InvalidFieldError) {
      return void res.status(400).json({ error: 'invalid_request', field: error.field, message: error.message });
    }
    console.error(error);
    res.status(503).json({ error: 'queue_unavailable', message: 'could not queue the email; try again' });
  });
  return app;
}
// #endregion email-http
