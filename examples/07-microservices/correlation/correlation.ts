import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<string>();

/** The id of the request or message being handled, wherever the code runs (logs, HTTP calls, AMQP). */
export function correlationId(): string | undefined {
  return storage.getStore();
}

export function withCorrelationId<T>(id: string, work: () => T): T {
  return storage.run(id, work);
}

// The id ends up in every log line: accept only short, plain tokens, never arbitrary client text.
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A caller's id if it is safe to log, else a fresh one. */
export function acceptCorrelationId(candidate: unknown): string {
  return typeof candidate === 'string' && SAFE_ID.test(candidate) ? candidate : randomUUID();
}

// #region correlation-middleware
/** Reuses the caller's id (or makes one), echoes it back, and runs the rest of the request inside it. */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const id = acceptCorrelationId(req.get(CORRELATION_HEADER));
  res.setHeader(CORRELATION_HEADER, id);
  withCorrelationId(id, next);
}
// #endregion correlation-middleware
