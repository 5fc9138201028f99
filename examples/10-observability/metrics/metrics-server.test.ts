import { withServer } from '@cookbook/shared';
import express from 'express';
import { Counter, Gauge, Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createMetricsServer } from './metrics-server.js';
import { recordRequests } from './red-metrics.js';

function registryWithOrders(): Registry {
  const registry = new Registry();
  new Counter({ name: 'orders_placed_total', help: 'Orders placed', registers: [registry] }).inc(3);
  return registry;
}

describe('/metrics off the public router', () => {
  // #region public-router
  it('the public app does not answer /metrics; the metrics server on its own port does', async () => {
    const registry = registryWithOrders();
    const publicApp = express();
    publicApp.use(recordRequests(registry));
    publicApp.get('/orders/:id', (_req, res) => res.json({}));
    await request(publicApp).get('/metrics').expect(404);
    await withServer(createMetricsServer(registry), async (url) => {
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toContain('orders_placed_total 3');
    });
  });
  // #endregion public-router

  it('serves nothing but GET /metrics', async () => {
    await withServer(createMetricsServer(registryWithOrders()), async (url) => {
      const elsewhere = await fetch(`${url}/orders/1`);
      expect([elsewhere.status, elsewhere.headers.get('content-type')]).toEqual([404, 'application/json']);
      expect(await elsewhere.json()).toEqual({ error: 'only GET /metrics is served here' });
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${url}/metrics?format=x`)).status).toBe(200);
    });
  });

  it('with a token, refuses a scrape without it or with a wrong one', async () => {
    await withServer(createMetricsServer(registryWithOrders(), { token: 's3cret-scrape' }), async (url) => {
      const anonymous = await fetch(`${url}/metrics`);
      // The challenge names the scheme a scraper must send (Prometheus: authorization.credentials).
      expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
      const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer guess' } });
      expect(wrong.status).toBe(401);
      // As long as the right one, so only the comparison of the bytes can refuse it.
      const sameLength = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret-scrapf' } });
      expect(sameLength.status).toBe(401);
      const right = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret-scrape' } });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain('orders_placed_total 3');
    });
  });

  it('a collector that throws answers 500 naming the failure, and the next scrape still works', async () => {
    const registry = registryWithOrders();
    let broken = true;
    new Gauge({
      name: 'queue_depth',
      help: 'Messages waiting',
      registers: [registry],
      collect() {
        if (broken) throw new Error('broker did not answer');
        this.set(4);
      },
    });
    await withServer(createMetricsServer(registry), async (url) => {
      const failed = await fetch(`${url}/metrics`);
      expect([failed.status, failed.headers.get('content-type')]).toEqual([500, 'text/plain']);
      expect(await failed.text()).toBe('metrics collection failed: Error: broker did not answer');
      broken = false;
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('queue_depth 4');
    });
  });
});
