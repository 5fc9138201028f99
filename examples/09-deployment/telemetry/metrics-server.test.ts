import { withServer } from '@cookbook/shared';
import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsServer } from './metrics-server.js';

function registryWithHits(): Registry {
  const registry = new Registry();
  new Counter({ name: 'time_hits_total', help: 'Hits of /api/time', registers: [registry] }).inc(3);
  return registry;
}

describe('the metrics server', () => {
  it('serves the registry on GET /metrics, a query string allowed, in the exposition format', async () => {
    await withServer(createMetricsServer(registryWithHits()), async (url) => {
      for (const path of ['/metrics', '/metrics?format=x']) {
        const response = await fetch(`${url}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
        expect(await response.text()).toContain('time_hits_total 3');
      }
    });
  });

  it('serves nothing else, and says so in JSON', async () => {
    await withServer(createMetricsServer(registryWithHits()), async (url) => {
      const elsewhere = await fetch(`${url}/api/time`);
      expect([elsewhere.status, elsewhere.headers.get('content-type')]).toEqual([404, 'application/json']);
      expect(await elsewhere.json()).toEqual({ error: 'only GET /metrics is served here' });
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${url}/metricsx`)).status).toBe(404);
    });
  });

  it('a collector that throws answers 500 naming the failure, and the next scrape still works', async () => {
    const registry = registryWithHits();
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
