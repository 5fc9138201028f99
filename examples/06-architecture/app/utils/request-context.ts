import { AsyncLocalStorage } from 'node:async_hooks';

// #region request-context
/**
 * The id of the request being handled, wherever the code runs: a service or a mailer logs it
 * without being handed it. The HTTP edge opens the context; everything awaited inside inherits it.
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return context.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
// #endregion request-context
