import {
  deleteRedisPrefix,
  type EnvelopeReceiver,
  redisPrefix,
  startEnvelopeReceiver,
  testServices,
  useTestDatabase,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logEntries } from '../test/captured-log.js';
import { exitCode, killServices } from '../test/spawn-service.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './test/otlp-receiver.js';
import { startTracedService, type TracedService } from './test/traced-service.js';

const database = useTestDatabase('deployment_telemetry');
const prefix = redisPrefix('deployment-telemetry');
const SECRETS = { bearer: 'tok-bearer-77aa', query: 'qs-token-19cc', cookie: 'ck-session-42dd' };
let otlp: OtlpReceiver;
let sentry: EnvelopeReceiver;
let service: TracedService;

beforeAll(async () => {
  otlp = await startOtlpReceiver();
  // Holds each answer for a second: a process that exits without waiting for it abandons the event.
  sentry = await startEnvelopeReceiver({ holdMs: 1_000 });
  service = await startTracedService({
    DATABASE_URL: database.url,
    REDIS_URL: testServices().redisUrl,
    REDIS_KEY_PREFIX: prefix,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    OTEL_TRACES_SAMPLER_ARG: '1',
    SENTRY_DSN: sentry.dsn,
    SENTRY_RELEASE: 'api@9.0.0',
    DEPENDENCY_TIMEOUT_MS: '500',
  });
}, 60_000);

afterAll(async () => {
  await killServices();
  await otlp?.close();
  await sentry?.close();
  const redis = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

const lines = () => logEntries(service.fixture.lines);
const serverSpan = (route: string) => (s: ReceivedSpan) => s.kind === 1 && s.attributes['http.route'] === route;

describe('tracing, started by --import before the service loads', () => {
  it('makes one trace of a request: the server span, Express, Postgres and Redis under it', async () => {
    expect((await fetch(`${service.url}/api/time`)).status).toBe(200);
    const root = await otlp.waitForSpan(serverSpan('/api/time'));
    const trace = await waitUntil(() => {
      const spans = otlp.spans.filter((s) => s.traceId === root.traceId);
      return spans.some((s) => s.name.startsWith('pg.query')) && spans.some((s) => s.name === 'incr')
        ? spans
        : undefined;
    }, 'the pg and redis spans');
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const rootOf = (span: ReceivedSpan): ReceivedSpan =>
      span.parentSpanId && byId.has(span.parentSpanId) ? rootOf(byId.get(span.parentSpanId) as ReceivedSpan) : span;
    for (const span of trace) expect(rootOf(span).spanId).toBe(root.spanId);
    expect(trace.map((s) => s.name)).toEqual(expect.arrayContaining(['request handler', 'pg-pool.connect', 'incr']));
  });

  it('writes the request’s log line with its trace and span ids', async () => {
    const response = await fetch(`${service.url}/api/work?ms=1`);
    const requestId = response.headers.get('x-request-id');
    const line = await waitUntil(() => lines().find((e) => e.requestId === requestId), 'the request line');
    const root = await otlp.waitForSpan((s) => s.traceId === line.trace_id && s.kind === 1);
    expect(root.attributes['http.route']).toBe('/api/work');
    expect(line).toMatchObject({ span_id: root.spanId, trace_flags: '01' });
  });

  it('traces no probe: a Kubernetes kubelet probing every 10 s would fill the trace store', async () => {
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    await fetch(`${service.url}/api/work?ms=1`);
    await otlp.waitForSpan(
      (s) => s.kind === 1 && s.startMs > Date.now() - 5_000 && s.attributes['http.route'] === '/api/work',
    );
    expect(otlp.spans.filter((s) => JSON.stringify(s).includes('/health'))).toEqual([]);
  });
});

describe('metrics, on a port of their own', () => {
  it('counts requests by route pattern, and shows the runtime and both pools', async () => {
    await fetch(`${service.url}/api/orders/42`);
    const text = await (await fetch(service.metricsUrl)).text();
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/time",status_code="200"\} [1-9]/,
    );
    expect(text).toContain('route="<unmatched>",status_code="404"');
    // A route of a router mounted on /api keeps the mount path in its label.
    expect(text).toContain('route="/api/work",status_code="200"');
    expect(text).not.toContain('/api/orders/42');
    for (const series of ['pg_pool_connections_total{pool="api"}', 'pg_pool_waiting_requests{pool="readiness"}'])
      expect(text).toContain(series);
    expect(text).toMatch(/nodejs_eventloop_utilization_ratio [0-9.]+/);
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('is not on the public router', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);
    expect((await fetch(service.metricsUrl.replace('/metrics', '/'))).status).toBe(404);
  });
});

describe('error tracking', () => {
  it('reports a 5xx with its stack, release and trace id, no secret, and flushes it on SIGTERM', async () => {
    // A 503 sent without an exception (statement_timeout cancels the query) is reported too, once.
    expect((await fetch(`${service.url}/api/slow-query?ms=3000`)).status).toBe(503);
    const response = await fetch(`${service.url}/api/boom?token=${SECRETS.query}`, {
      headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: `session=${SECRETS.cookie}` },
    });
    expect(response.status).toBe(500);
    // SIGTERM at once: the event is still on its way to the receiver, which holds its answer.
    service.fixture.child.kill('SIGTERM');
    expect(await exitCode(service.fixture)).toBe(0);
    const [outage, event] = sentry.events() as {
      message?: string;
      release?: string;
      exception?: { values?: { value?: string }[] };
      contexts?: { trace?: { trace_id?: string } };
      request?: { method?: string; cookies?: unknown; data?: unknown };
    }[];
    const withEvent = sentry.envelopes.filter((e) => e.items.some((item) => item.header.type === 'event'));
    expect(withEvent.map((e) => e.abandoned)).toEqual([false, false]);
    expect(outage?.message).toBe('GET /api/slow-query answered 503');
    expect(event).toMatchObject({
      release: 'api@9.0.0',
      exception: { values: [{ value: 'orders table is on fire' }] },
    });
    // Method, URL and headers only: no cookies, not even as [Filtered], and no body.
    expect(event?.request).toMatchObject({ method: 'GET' });
    expect([event?.request?.cookies, event?.request?.data]).toEqual([undefined, undefined]);
    const root = await otlp.waitForSpan(serverSpan('/api/boom'));
    expect(event?.contexts?.trace?.trace_id).toBe(root.traceId);
    const sent = sentry.envelopes.map((e) => e.raw).join('\n');
    for (const secret of Object.values(SECRETS)) expect(sent).not.toContain(secret);
  });
});
