import { waitUntil } from '@cookbook/shared/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventsOf, firstException, whatOf } from './test/sentry-events.js';
import { leakedSecrets, placeOrderWithSecrets, type RunningService, startFailingService } from './test/service.js';

describe('a 5xx reaches Sentry with what it takes to fix it, and no secret', () => {
  // A service per test, started once the test's environment is set (under `pnpm mutate`, the mutant).
  let service: RunningService;
  beforeEach(async () => {
    service = await startFailingService();
  }, 90_000);
  afterEach(() => service.stop());

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
    await placeOrderWithSecrets(service.url);
    const [event] = await waitUntil(() => (eventsOf(service).length > 0 ? eventsOf(service) : undefined), 'the event');
    expect(leakedSecrets(service.receiver)).toEqual([]);
    expect(firstException(event)?.value).toBe('could not connect to postgres://app:[Filtered]@db.internal:5432/shop');
    // The log line before the error arrives as a breadcrumb, scrubbed the same way.
    expect(event?.breadcrumbs?.map((b) => b.message)).toContain(
      '{"connecting":"postgres://app:[Filtered]@db.internal:5432/shop"}',
    );
    expect(event?.request?.data).toBeUndefined(); // bodies are not collected at all
    expect(event?.request?.cookies).toBeUndefined(); // nor cookies, not even as [Filtered]
    expect(Object.keys(event?.request?.headers ?? {})).not.toContain('cookie');
    expect(event?.user).toBeUndefined(); // nor the caller's IP address
  });
  // #endregion no-secrets

  it('reports a 5xx sent without an exception by its route, and never a 4xx', async () => {
    expect((await fetch(`${service.url}/orders/42`)).status).toBe(404);
    const paid = await fetch(`${service.url}/orders/7/pay`, { method: 'POST' });
    expect([paid.status, await paid.json()]).toEqual([409, { error: 'order 7 is already paid' }]);
    const refund = await fetch(`${service.url}/orders/7/refund`, { method: 'POST' });
    expect([refund.status, await refund.json()]).toEqual([422, { error: 'a refund needs a reason' }]);
    for (const [path, status] of [
      ['/stock', 503],
      ['/ledger', 500],
      ['/inventory/tea-42', 503],
      ['/maintenance', 503],
    ] as const)
      expect((await fetch(`${service.url}${path}`)).status).toBe(status);
    const events = await waitUntil(() => (eventsOf(service).length >= 4 ? eventsOf(service) : undefined), 'the events');
    expect(events.map((e) => [e.level, whatOf(e)]).sort()).toEqual([
      ['error', 'GET /inventory/:sku answered 503'], // the route, not each SKU's own issue
      ['error', 'GET /ledger answered 500'],
      ['error', 'GET /maintenance answered 503'],
      ['error', 'GET /stock answered 503'],
    ]);
  });

  it('reports a thrown 5xx once, with its exception, and answers with its status', async () => {
    const response = await fetch(`${service.url}/payments`, { method: 'POST' });
    expect([response.status, await response.json()]).toEqual([503, { error: 'internal error; it has been reported' }]);
    // A 5xx sent afterwards: once its event is in, the thrown one's second report would be too.
    expect((await fetch(`${service.url}/stock`)).status).toBe(503);
    const events = await waitUntil(() => (eventsOf(service).length >= 2 ? eventsOf(service) : undefined), 'the events');
    expect(events.map(whatOf).sort()).toEqual(['GET /stock answered 503', 'the payment provider is down']);
  });
});

describe('a response that breaks after its headers went out', () => {
  it('is reported, and its connection cut by Express’s own handler', async () => {
    // Express's handler logs the error it is handed, except under NODE_ENV=test.
    const service = await startFailingService({ NODE_ENV: 'production' });
    try {
      const response = await fetch(`${service.url}/export`);
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow('terminated');
      const events = await waitUntil(() => (eventsOf(service).length > 0 ? eventsOf(service) : undefined), 'the event');
      expect(events.map(whatOf)).toEqual(['the export cursor broke midway']);
      // Handed to Express as it was, not an ERR_HTTP_HEADERS_SENT from answering it again.
      await waitUntil(() => service.fixture.errors.join('\n').includes('broke midway'), 'Express to log it');
      expect(service.fixture.errors.join('\n')).not.toContain('Cannot set headers');
    } finally {
      await service.stop();
    }
  }, 90_000);
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

  it('is handed the same release: the package version when SENTRY_RELEASE is unset', async () => {
    const service = await startFailingService({ NAIVE_SENTRY: '1', SENTRY_RELEASE: '', npm_package_version: '1.9.0' });
    try {
      await placeOrderWithSecrets(service.url);
      const [event] = await waitUntil(
        () => (eventsOf(service).length > 0 ? eventsOf(service) : undefined),
        'the event',
      );
      expect(event).toMatchObject({ release: '1.9.0', environment: 'staging' });
    } finally {
      await service.stop();
    }
  }, 90_000);
});
