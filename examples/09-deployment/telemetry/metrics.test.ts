import { testServices } from '@cookbook/shared/testing';
import express, { type Express, Router } from 'express';
import pg from 'pg';
import { type Histogram, Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  collectRuntimeMetrics,
  LATENCY_BUCKETS,
  recordPoolMetrics,
  recordRequests,
  UNMATCHED_ROUTE,
} from './metrics.js';

function ordersApp(registry: Registry): Express {
  const app = express();
  app.use(recordRequests(registry));
  const orders = Router();
  orders.get('/:id', (req, res) => void res.status(req.params.id === 'broken' ? 500 : 200).json({}));
  app.use('/api/orders', orders);
  app.get('/slow', (_req, res) => void setTimeout(() => res.end(), 300));
  return app;
}

async function routesOf(registry: Registry): Promise<Set<unknown>> {
  const metric = registry.getSingleMetric('http_request_duration_seconds') as Histogram;
  return new Set((await metric.get()).values.map((value) => value.labels.route));
}

describe('RED metrics by route pattern', () => {
  it('label the pattern with its mount path, count by status, and put every unmatched path under one label', async () => {
    const registry = new Registry();
    const app = ordersApp(registry);
    for (const id of ['1', '2', 'broken']) await request(app).get(`/api/orders/${id}`);
    for (let i = 0; i < 5; i += 1) await request(app).get(`/wp-admin/${i}.php`).expect(404);
    const text = await registry.metrics();
    expect(text).toContain('_count{method="GET",route="/api/orders/:id",status_code="200"} 2');
    expect(text).toContain('_count{method="GET",route="/api/orders/:id",status_code="500"} 1');
    // The literal, not the constant: dashboards and alert rules match on it.
    expect(UNMATCHED_ROUTE).toBe('<unmatched>');
    expect(text).toContain('_count{method="GET",route="<unmatched>",status_code="404"} 5');
    expect(await routesOf(registry)).toEqual(new Set(['/api/orders/:id', '<unmatched>']));
  });

  it('label a RegExp route by its pattern and the root route as /, never as unmatched', async () => {
    const registry = new Registry();
    const app = express().use(recordRequests(registry));
    app.get(/^\/legacy\/\d+$/, (_req, res) => void res.end());
    app.get('', (_req, res) => void res.end());
    await request(app).get('/legacy/42').expect(200);
    await request(app).get('/').expect(200);
    expect(await routesOf(registry)).toEqual(new Set([String(/^\/legacy\/\d+$/), '/']));
  });

  it('leave req.route to the handlers, and a second instrument on the same app labels the same', async () => {
    const [first, second] = [new Registry(), new Registry()];
    const app = express();
    app.use(recordRequests(first), recordRequests(second));
    app.get('/stock/:sku', (req, res) => void res.json({ route: (req.route as { path: string }).path }));
    expect((await request(app).get('/stock/ab-1').expect(200)).body).toEqual({ route: '/stock/:sku' });
    for (const registry of [first, second]) expect(await routesOf(registry)).toEqual(new Set(['/stock/:sku']));
  });

  it('observe the time until the response finished, in buckets from 5 ms to the 5 s deadline and past it', async () => {
    const registry = new Registry();
    await request(ordersApp(registry)).get('/slow').expect(200);
    const buckets = (await registry.metrics()).split('\n').filter((line) => line.includes('_bucket{'));
    expect(buckets.map((line) => /le="([^"]+)"/.exec(line)?.[1])).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
    expect(LATENCY_BUCKETS).toContain(0.5);
    // At least 300 ms, whatever the machine's load: nothing in the buckets up to 0.25 s.
    expect(buckets.find((line) => line.includes('le="0.25"'))).toMatch(/ 0$/);
    expect(buckets.find((line) => line.includes('le="+Inf"'))).toMatch(/ 1$/);
  });
});

const gaugeValue = (text: string, series: string) =>
  Number(
    text
      .split('\n')
      .find((line) => line.startsWith(`${series} `))
      ?.split(' ')[1],
  );

describe('runtime metrics', () => {
  it('add event-loop utilisation to the defaults: high over a blocked loop, low over an idle one', async () => {
    const registry = new Registry();
    collectRuntimeMetrics(registry);
    const first = await registry.metrics();
    expect(first).toContain('# TYPE nodejs_eventloop_lag_p99_seconds gauge');
    expect(first).toContain('# TYPE nodejs_gc_duration_seconds histogram');
    const until = performance.now() + 300;
    while (performance.now() < until) {}
    expect(gaugeValue(await registry.metrics(), 'nodejs_eventloop_utilization_ratio')).toBeGreaterThan(0.5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gaugeValue(await registry.metrics(), 'nodejs_eventloop_utilization_ratio')).toBeLessThan(0.5);
  });
});

describe('pool metrics', () => {
  it('read each pool at scrape time: a held connection, an idle one, and a caller waiting', async () => {
    const api = new pg.Pool({ connectionString: testServices().databaseUrl, max: 1 });
    const readiness = new pg.Pool({ connectionString: testServices().databaseUrl, max: 1 });
    const registry = new Registry();
    recordPoolMetrics(registry, { api, readiness });
    try {
      const held = await api.connect();
      const waiting = api.connect();
      (await readiness.connect()).release();
      const text = await registry.metrics();
      expect(gaugeValue(text, 'pg_pool_connections_total{pool="api"}')).toBe(1);
      expect(gaugeValue(text, 'pg_pool_connections_idle{pool="api"}')).toBe(0);
      expect(gaugeValue(text, 'pg_pool_waiting_requests{pool="api"}')).toBe(1);
      expect(gaugeValue(text, 'pg_pool_connections_idle{pool="readiness"}')).toBe(1);
      expect(gaugeValue(text, 'pg_pool_waiting_requests{pool="readiness"}')).toBe(0);
      held.release();
      (await waiting).release();
    } finally {
      await Promise.all([api.end(), readiness.end()]);
    }
  });
});
