import express, { type ErrorRequestHandler, type Express, type RequestHandler, Router } from 'express';
import { type Histogram, Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { naiveRecordRequests, recordRequests, UNMATCHED_ROUTE } from './red-metrics.js';

function ordersApp(record: (registry: Registry) => RequestHandler): { app: Express; registry: Registry } {
  const registry = new Registry();
  const app = express();
  app.use(record(registry));
  const orders = Router();
  orders.get('/:id', (req, res) => {
    if (req.params.id === 'broken') res.status(500).json({ error: 'boom' });
    else res.json({ id: req.params.id });
  });
  // A failure passed on with next(error) is answered outside the router, after it reset req.baseUrl.
  orders.get('/:id/invoice', (_req, _res, next) => next(Object.assign(new Error('billing is down'), { status: 503 })));
  app.use('/orders', orders);
  app.use(((error, _req, res, _next) =>
    res.status(error.status).json({ error: error.message })) as ErrorRequestHandler);
  return { app, registry };
}

/** How many time series the request histogram exposes: one `_count` per label set. */
async function seriesCount(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('http_request_duration_seconds') as Histogram | undefined;
  const { values } = (await metric?.get()) ?? { values: [] };
  return values.filter((value) => value.metricName?.endsWith('_count')).length;
}

async function getOrders(app: Express, count: number): Promise<void> {
  for (let id = 1; id <= count; id++) await request(app).get(`/orders/${id}`).expect(200);
}

describe('RED metrics labelled by route pattern', () => {
  // #region cardinality
  it('1,000 distinct order ids make 1,000 series with a path label, and one with the route pattern', async () => {
    const naive = ordersApp(naiveRecordRequests);
    const fixed = ordersApp(recordRequests);
    await getOrders(naive.app, 1000);
    await getOrders(fixed.app, 1000);
    expect(await seriesCount(naive.registry)).toBe(1000);
    expect(await seriesCount(fixed.registry)).toBe(1);
  }, 60_000);
  // #endregion cardinality

  it('labels the pattern, including the router it is mounted under, and counts errors by status', async () => {
    const { app, registry } = ordersApp(recordRequests);
    await request(app).get('/orders/7').expect(200);
    await request(app).get('/orders/broken').expect(500);
    await request(app).get('/orders/7/invoice').expect(503);
    const text = await registry.metrics();
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 1');
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="500"} 1');
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/orders/:id/invoice",status_code="503"} 1',
    );
  });

  it('puts every unmatched path under one label, so a scanner adds no series', async () => {
    const { app, registry } = ordersApp(recordRequests);
    for (let i = 0; i < 50; i++) await request(app).get(`/wp-admin/${i}.php`).expect(404);
    expect(await seriesCount(registry)).toBe(1);
    // The literal, not the constant: dashboards and alert rules match on it.
    expect(UNMATCHED_ROUTE).toBe('<unmatched>');
    expect(await registry.metrics()).toContain('route="<unmatched>",status_code="404"} 50');
  });

  it('leaves req.route to the handlers, and a second instrument on the same app labels the same', async () => {
    const first = new Registry();
    const second = new Registry();
    const app = express();
    app.use(recordRequests(first), recordRequests(second));
    app.get('/stock/:sku', (req, res) => void res.json({ route: (req.route as { path: string }).path }));
    app.get(/^\/legacy\/\d+$/, (_req, res) => void res.end());
    expect((await request(app).get('/stock/ab-1').expect(200)).body).toEqual({ route: '/stock/:sku' });
    await request(app).get('/legacy/42').expect(200);
    for (const registry of [first, second]) {
      const metric = registry.getSingleMetric('http_request_duration_seconds') as Histogram;
      const routes = new Set((await metric.get()).values.map((value) => value.labels.route));
      expect(routes).toEqual(new Set(['/stock/:sku', String(/^\/legacy\/\d+$/)]));
    }
  });

  it('observes the time until the response finished, in the bucket it fell in', async () => {
    const registry = new Registry();
    const app = express();
    app.use(recordRequests(registry));
    app.get('/slow', (_req, res) => void setTimeout(() => res.end(), 300));
    await request(app).get('/slow').expect(200);
    const text = await registry.metrics();
    // At least 300 ms, whatever the machine's load: nothing in the buckets up to 0.25 s.
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.25",method="GET",route="/slow",status_code="200"} 0',
    );
  });
});
