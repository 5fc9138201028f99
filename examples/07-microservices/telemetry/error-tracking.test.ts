import {
  type EnvelopeReceiver,
  type Fixture,
  spawnFixture,
  startEnvelopeReceiver,
  waitUntil,
} from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';

const REGISTER = new URL('./register.ts', import.meta.url);
const SECRETS = { databasePassword: 's3cret-db-pw', bodyPassword: 'hunter2-body', bearer: 'tok-authz-xyz' };

interface Running {
  fixture: Fixture;
  url: string;
  receiver: EnvelopeReceiver;
}
let running: Running | undefined;
afterEach(async () => {
  await running?.fixture.kill();
  await running?.receiver.close();
  running = undefined;
});

/** The failing service in its own process, started with `--import register.ts`, reporting to a fresh receiver. */
async function startFailingService({ dsn = true, holdMs = 0 } = {}): Promise<Running> {
  const receiver = await startEnvelopeReceiver({ holdMs });
  const fixture = spawnFixture(new URL('./test/failing-service.ts', import.meta.url), {
    imports: [REGISTER],
    env: {
      OTEL_SERVICE_NAME: 'order-service',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', // spans go nowhere; the errors are the point
      SENTRY_DSN: dsn ? receiver.dsn : '',
      SENTRY_RELEASE: 'order-service@1.4.0',
      SENTRY_ENVIRONMENT: 'staging',
      DATABASE_URL: `postgres://app:${SECRETS.databasePassword}@db.internal:5432/orders`,
    },
  });
  const [, url] = await fixture.waitForLine(/^\{"listening":"([^"]+)"\}$/, 60_000);
  running = { fixture, url: url as string, receiver };
  return running;
}

const placeOrderWithSecrets = (url: string) =>
  fetch(`${url}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRETS.bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sku: 'book', password: SECRETS.bodyPassword }),
  });

type SentryEvent = {
  release?: string;
  environment?: string;
  level?: string;
  message?: string;
  tags?: Record<string, string>;
  request?: { method?: string; url?: string; data?: unknown };
  contexts?: { trace?: { trace_id?: string } };
  exception?: { values?: { type?: string; value?: string; stacktrace?: { frames?: { filename?: string }[] } }[] };
};
const events = (r: Running) => r.receiver.events() as SentryEvent[];
const leaked = (r: Running) =>
  Object.entries(SECRETS)
    .filter(([, secret]) => r.receiver.envelopes.some((e) => e.raw.includes(secret)))
    .map(([name]) => name);
/** The trace id the service's own log line for this error carries: logs, traces and errors join on it. */
const loggedTraceId = async (r: Running) => {
  const [, line] = await r.fixture.waitForLine(/^(\{.*"message":"unhandled error".*\})$/);
  return (JSON.parse(line as string) as { trace_id?: string }).trace_id;
};

// Each test starts a process of its own: on a loaded 2-core machine that alone can take 20 s.
describe('a 5xx is reported to Sentry', { timeout: 90_000 }, () => {
  // #region reported
  it('with its stack, release, environment, service, request and the trace id its log line carries', async () => {
    const service = await startFailingService();
    const response = await placeOrderWithSecrets(service.url);
    expect(response.status).toBe(500);
    const [event] = await waitUntil(() => (events(service).length > 0 ? events(service) : undefined), 'the event');
    const exception = event?.exception?.values?.at(-1);
    expect(exception?.type).toBe('Error');
    expect(exception?.stacktrace?.frames?.some((f) => f.filename?.endsWith('failing-service.ts'))).toBe(true);
    expect(event).toMatchObject({
      release: 'order-service@1.4.0',
      environment: 'staging',
      request: { method: 'POST' },
    });
    expect(event?.tags?.service).toBe('order-service');
    expect(event?.request?.url).toContain('/orders');
    const traceId = await loggedTraceId(service);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(event?.contexts?.trace?.trace_id).toBe(traceId);
  });
  // #endregion reported

  // #region no-secrets
  it('with no password or token in it, wherever it appeared', async () => {
    const service = await startFailingService();
    await placeOrderWithSecrets(service.url);
    const [event] = await waitUntil(() => (events(service).length > 0 ? events(service) : undefined), 'the event');
    expect(leaked(service)).toEqual([]);
    expect(event?.exception?.values?.at(-1)?.value).toBe(
      'could not connect to postgres://app:[Filtered]@db.internal:5432/orders',
    );
    expect(event?.request?.data).toBeUndefined(); // bodies are not collected at all
  });
  // #endregion no-secrets

  it('a 503 is reported too, a 400 is not', async () => {
    const service = await startFailingService();
    expect((await fetch(`${service.url}/orders/42`)).status).toBe(400);
    expect((await fetch(`${service.url}/users/7`)).status).toBe(503);
    await waitUntil(() => events(service).length > 0, 'the 503 event');
    await fetch(`${service.url}/orders/43`); // a later 400: if 400s were sent, this one would follow the 503
    await service.fixture.child.kill('SIGTERM');
    expect(await service.fixture.exited).toBe(0);
    expect(events(service).map((e) => e.exception?.values?.at(-1)?.type)).toEqual(['DependencyUnavailableError']);
  });

  // #region flush-on-sigterm
  it('SIGTERM while the event is still on its way: it is delivered before the process exits 0', async () => {
    const service = await startFailingService({ holdMs: 500 });
    await placeOrderWithSecrets(service.url);
    await waitUntil(() => service.receiver.envelopes.length > 0, 'the envelope to reach the receiver');
    service.fixture.child.kill('SIGTERM');
    expect(await service.fixture.exited).toBe(0);
    const withEvent = service.receiver.envelopes.filter((e) => e.items.some((i) => i.header.type === 'event'));
    expect(withEvent.map((e) => e.abandoned)).toEqual([false]);
  });
  // #endregion flush-on-sigterm

  it('an unhandled rejection is reported as fatal and ends the process, as Node would', async () => {
    const service = await startFailingService();
    await fetch(`${service.url}/crash/rejection`, { method: 'POST' });
    expect(await service.fixture.exited).not.toBe(0);
    expect(events(service).map((e) => e.level)).toEqual(['fatal']);
  });

  it('without SENTRY_DSN nothing is sent and the service answers the same', async () => {
    const service = await startFailingService({ dsn: false });
    expect((await placeOrderWithSecrets(service.url)).status).toBe(500);
    service.fixture.child.kill('SIGTERM');
    expect(await service.fixture.exited).toBe(0);
    expect(service.receiver.envelopes).toEqual([]);
  });
});
