import { fileURLToPath } from 'node:url';
import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LaunchedSystem, launchSystem } from '../order-flow/launcher.js';
import { useOrderFlowEnv } from './test/order-flow-env.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './test/otlp-receiver.js';
import { samplesOf, scrape } from './test/scrape.js';
import { insertInto, pathTo } from './test/span-record.js';

const REGISTER = fileURLToPath(new URL('./register.ts', import.meta.url));
const flow = useOrderFlowEnv('telemetry_otlp');
const KEY = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
const logs: Record<string, unknown>[] = [];
let receiver: OtlpReceiver;
let system: LaunchedSystem;
const post = (path: string, body: unknown) =>
  fetch(`${system.urls.gateway}${path}`, { method: 'POST', headers: KEY, body: JSON.stringify(body) });

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // What a compose file or a manifest sets for every service; the launcher adds OTEL_SERVICE_NAME.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
  // A minute between batches: no span leaves before SIGTERM, so those that arrive prove the flush.
  process.env.OTEL_BSP_SCHEDULE_DELAY = '60000';
  system = await launchSystem({
    databaseUrl: flow.database.url,
    amqpUrl: testServices().amqpUrl,
    redisUrl: testServices().redisUrl,
    names: {
      exchange: flow.exchange,
      emailQueue: flow.email.queue,
      emailDeadLetterQueue: flow.email.deadLetterQueue,
      redisPrefix: flow.prefix,
    },
    apiKeys: new Map([['test-key', 'test-client']]),
    nodeArgs: ['--import', 'tsx', '--import', REGISTER], // tracing starts before each entry point's imports
    logSink: (line) => {
      if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  const user = await post('/api/users', { email: 'grace@example.com', name: 'Grace' });
  const userId = ((await user.json()) as { id: number }).id;
  const order = await post('/api/orders', { userId, items: [{ sku: 'pen', quantity: 3, priceCents: 250 }] });
  expect(order.status).toBe(201);
  await waitUntil(() => logs.some((l) => l.message === 'confirmation email queued'), 'the email worker', 60_000);
}, 180_000);
afterAll(async () => {
  await system?.stop();
  await receiver?.close();
});

const metricsUrlOf = (service: string) =>
  logs.find((l) => l.service === service && l.message === 'listening')?.metricsUrl as string;

describe('four processes, one trace, each its own /metrics', { timeout: 90_000 }, () => {
  it("each service's /metrics is on a port of its own, with its routes, pool and queue", async () => {
    for (const [service, url] of Object.entries({
      gateway: system.urls.gateway,
      'user-service': system.urls.users,
      'order-service': system.urls.orders,
      'email-service': system.urls.email,
    })) {
      expect(metricsUrlOf(service)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(new URL(metricsUrlOf(service)).port).not.toBe(new URL(url).port);
    }
    const orders = await scrape(metricsUrlOf('order-service'));
    expect(samplesOf(orders, 'http_request_duration_seconds_count', { route: '/orders', status_code: '201' })).toEqual([
      expect.objectContaining({ value: 1 }),
    ]);
    expect(samplesOf(orders, 'pg_pool_connections_total', { pool: 'orders' })).toHaveLength(1);
    const email = await scrape(metricsUrlOf('email-service'));
    expect(samplesOf(email, 'rabbitmq_consumer_lag_messages', { queue: flow.email.queue })).toHaveLength(1);
    expect(samplesOf(email, 'http_request_duration_seconds_count', { route: '/orders' })).toEqual([]);
  });

  // #region otlp-trace
  it('on SIGTERM each process exits 0 after flushing its spans, and they hang together as one trace', async () => {
    expect(receiver.spans).toEqual([]); // still batched in the four processes
    expect(await system.stop()).toEqual({ gateway: 0, 'email-service': 0, 'order-service': 0, 'user-service': 0 });
    const emailInsert = insertInto(receiver.spans, 'sent_emails') as ReceivedSpan;
    const trace = receiver.spans.filter((s) => s.traceId === emailInsert.traceId);
    expect(pathTo(trace, emailInsert)).toEqual([
      'gateway SERVER POST /api/orders',
      'gateway CLIENT POST', // undici, the gateway's proxy: traceparent goes out here
      'order-service SERVER POST /orders',
      'order-service INTERNAL request handler',
      `order-service PRODUCER publish ${flow.exchange}`, // traceparent goes into the message headers
      `email-service CONSUMER ${flow.email.queue} process`,
      expect.stringMatching(/^email-service CLIENT pg\.query:INSERT /),
    ]);
    expect(new Set(trace.map((s) => s.service))).toEqual(
      new Set(['gateway', 'order-service', 'user-service', 'email-service']),
    );
  });
  // #endregion otlp-trace
});
