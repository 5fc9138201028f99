import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type System, startSystem } from '../order-flow/system.js';
import { watchPool } from './dependency-metrics.js';
import { type MetricsServer, serveMetrics } from './metrics-server.js';
import { startTelemetry, type Telemetry } from './telemetry.js';
import { useOrderFlowEnv } from './test/order-flow-env.js';
import { samplesOf, scrape } from './test/scrape.js';

const flow = useOrderFlowEnv('telemetry_metrics');
const KEY = { authorization: 'Bearer test-key', 'content-type': 'application/json' };
let system: System;
let metrics: MetricsServer;

beforeAll(async () => {
  system = await startSystem({
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
    rateLimit: { limit: 10_000, windowMs: 60_000 },
    logSink: () => {},
  });
  metrics = await serveMetrics(0);
});
afterAll(async () => {
  await system?.stop();
  await metrics?.close();
});

describe('RED metrics per route', () => {
  // #region route-label
  it('label requests by route pattern: 40 user ids are one series per service, not 40', async () => {
    for (let id = 1; id <= 40; id += 1) await fetch(`${system.urls.gateway}/api/users/${id}`, { headers: KEY });
    const counts = samplesOf(await scrape(metrics.url), 'http_request_duration_seconds_count', { method: 'GET' });
    const routes = new Set(counts.map((s) => s.labels.route));
    expect(routes).toContain('/api/users/*'); // the gateway's proxied prefix
    expect(routes).toContain('/users/:id'); // user-service's route
    for (const route of routes) expect(route).not.toMatch(/\/\d+/);
    const userLookups = samplesOf(counts, 'http_request_duration_seconds_count', { route: '/users/:id' });
    expect(userLookups.reduce((sum, s) => sum + s.value, 0)).toBe(40);
    expect(userLookups.map((s) => s.labels.status_code).sort()).toEqual(['404']);
  });
  // #endregion route-label

  it('count errors by status code, and an unknown path under one <unmatched> label', async () => {
    for (const path of ['/nope', '/wp-login.php', '/.env']) await fetch(`${system.urls.orders}${path}`);
    const unmatched = samplesOf(await scrape(metrics.url), 'http_request_duration_seconds_count', {
      route: '<unmatched>',
      status_code: '404',
    });
    expect(unmatched.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(3);
  });

  it('are not on any public router: /metrics there is a 404', async () => {
    for (const url of Object.values(system.urls)) {
      expect((await fetch(`${url}/metrics`, { headers: KEY })).status).toBe(404);
    }
  });
});

describe('dependency metrics', () => {
  // #region dead-letter-depth
  it('the email consumer reports its lag and the depth of its dead-letter queue', async () => {
    flow.rabbit.channel.sendToQueue(flow.email.queue, Buffer.from('not json'), { messageId: 'poison-1' });
    await flow.rabbit.channel.waitForConfirms();
    const samples = await waitUntil(async () => {
      const scraped = await scrape(metrics.url);
      const dlq = samplesOf(scraped, 'rabbitmq_dead_letter_messages', { queue: flow.email.deadLetterQueue });
      return dlq[0]?.value === 1 ? scraped : undefined;
    }, 'the poison message in the dead-letter queue');
    expect(samplesOf(samples, 'rabbitmq_consumer_lag_messages', { queue: flow.email.queue })).toEqual([
      expect.objectContaining({ value: 0 }),
    ]);
  });
  // #endregion dead-letter-depth

  it('a pg pool reports its connections and the queries waiting for one', async () => {
    const pool = flow.database.pool({ max: 2 });
    const unwatch = watchPool(pool, 'busy');
    const sleeping = Array.from({ length: 3 }, () => pool.query('SELECT pg_sleep(1)'));
    const samples = await waitUntil(async () => {
      const scraped = await scrape(metrics.url);
      return samplesOf(scraped, 'pg_pool_waiting_requests', { pool: 'busy' })[0]?.value === 1 ? scraped : undefined;
    }, 'one query waiting');
    expect(samplesOf(samples, 'pg_pool_connections_total', { pool: 'busy' })[0]?.value).toBe(2);
    await Promise.all(sleeping);
    unwatch();
    expect(samplesOf(await scrape(metrics.url), 'pg_pool_waiting_requests', { pool: 'busy' })).toEqual([]);
  });
});

describe('startTelemetry', () => {
  let telemetry: Telemetry;
  beforeAll(async () => {
    telemetry = await startTelemetry({ metricsPort: 0 });
  });
  afterAll(() => telemetry?.stop());

  // #region runtime-metrics
  it('serves the runtime on a port of its own: event-loop delay and utilisation, GC, heap, handles', async () => {
    expect(new URL(telemetry.metricsUrl).port).not.toBe(new URL(system.urls.gateway).port);
    const names = await waitUntil(async () => {
      for (let i = 0; i < 20; i += 1) new Array(1e5).fill(i); // garbage, so a GC pause is recorded
      const found = new Set((await scrape(telemetry.metricsUrl)).map((s) => s.name));
      return found.has('nodejs_gc_duration_seconds_count') ? found : undefined;
    }, 'a GC pause on /metrics');
    for (const name of [
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_utilization_ratio',
      'nodejs_gc_duration_seconds_count',
      'nodejs_heap_space_size_used_bytes',
      'nodejs_active_handles_total',
    ]) {
      expect(names).toContain(name);
    }
  });
  // #endregion runtime-metrics
});
