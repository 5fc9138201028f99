import { waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedSecrets, placeOrderWithSecrets, type RunningService, startFailingService } from './test/service.js';

interface SentryEvent {
  message?: string;
  level?: string;
  release?: string;
  environment?: string;
  request?: { method?: string; url?: string; headers?: Record<string, string>; data?: unknown };
  contexts?: { trace?: { trace_id?: string } };
  exception?: {
    values?: {
      type?: string;
      value?: string;
      mechanism?: { handled?: boolean; type?: string };
      stacktrace?: { frames?: { filename?: string; in_app?: boolean }[] };
    }[];
  };
}

const eventsOf = (service: RunningService) => service.receiver.events() as SentryEvent[];
const firstException = (event: SentryEvent | undefined) => event?.exception?.values?.[0];

describe('a 5xx reaches Sentry with what it takes to fix it, and no secret', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startFailingService();
  }, 90_000);
  afterAll(() => service.stop());

  // #region reported
  it('carries the stack, release, environment, request and the OpenTelemetry trace id', async () => {
    const response = await placeOrderWithSecrets(service.url);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'internal error; it has been reported' });
    const [event] = await waitUntil(
      () => (eventsOf(service).length > 0 ? eventsOf(service) : undefined),
      'the error event',
    );
    const exception = firstException(event);
    expect(exception?.type).toBe('Error');
    expect(exception?.stacktrace?.frames?.some((f) => f.in_app && f.filename?.endsWith('failing-app.ts'))).toBe(true);
    expect(event).toMatchObject({ release: 'shop@1.2.3', environment: 'staging', request: { method: 'POST' } });
    expect(event?.request?.url).toContain('/orders');
    // The trace the service's own OpenTelemetry SDK made for this request, not one of Sentry's.
    expect(event?.contexts?.trace?.trace_id).toBe(response.headers.get('x-trace-id'));
  });
  // #endregion reported

  // #region no-secrets
  it('sends no password, token or cookie, wherever it appeared', async () => {
    await waitUntil(() => eventsOf(service).length > 0, 'the error event');
    expect(leakedSecrets(service.receiver)).toEqual([]);
    expect(firstException(eventsOf(service)[0])?.value).toBe(
      'could not connect to postgres://app:[Filtered]@db.internal:5432/shop',
    );
    expect(eventsOf(service)[0]?.request?.data).toBeUndefined(); // bodies are not collected at all
  });
  // #endregion no-secrets

  it('reports a 5xx sent without an exception, and never a 4xx', async () => {
    const before = eventsOf(service).length;
    expect((await fetch(`${service.url}/orders/42`)).status).toBe(404);
    expect((await fetch(`${service.url}/stock`)).status).toBe(503);
    const events = await waitUntil(
      () => (eventsOf(service).length > before ? eventsOf(service) : undefined),
      'the 503 event',
    );
    expect(events.slice(before).map((e) => e.message)).toEqual(['GET /stock answered 503']);
  });
});

describe('the quick-start init', () => {
  it('sends the request body’s password and the database password', async () => {
    const service = await startFailingService({ NAIVE_SENTRY: '1' });
    try {
      await placeOrderWithSecrets(service.url);
      await waitUntil(() => eventsOf(service).length > 0, 'the error event');
      expect(leakedSecrets(service.receiver)).toEqual(['databasePassword', 'bodyPassword']);
    } finally {
      await service.stop();
    }
  }, 90_000);
});
