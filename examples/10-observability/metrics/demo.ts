import { recipe, withServer } from '@cookbook/shared';
import express, { type RequestHandler } from 'express';
import { Registry } from 'prom-client';
import { createMetricsServer } from './metrics-server.js';
import { naiveRecordRequests, recordRequests } from './red-metrics.js';
import { collectRuntimeMetrics } from './runtime-metrics.js';

/** Serves `/orders/:id` with `record` in front, asks for `ids` orders, returns the registry's exposition. */
async function ordersAfter(record: (registry: Registry) => RequestHandler, ids: number): Promise<Registry> {
  const registry = new Registry();
  const app = express();
  app.use(record(registry));
  app.get('/orders/:id', (req, res) => void res.json({ id: req.params.id }));
  await withServer(app, async (url) => {
    for (let id = 1; id <= ids; id++) await (await fetch(`${url}/orders/${id}`)).arrayBuffer();
  });
  return registry;
}

const countSeries = async (registry: Registry) =>
  (await registry.metrics()).split('\n').filter((line) => line.startsWith('http_request_duration_seconds_count'))
    .length;

export const metricsDemo = recipe({
  services: [],
  title: 'RED metrics by route pattern, runtime gauges, /metrics on its own port',
  lookFor: 'a path label makes a series per order id; the route pattern keeps one. /metrics is not on the app',
  async run({ smoke, log }) {
    const ids = smoke ? 100 : 1000;
    const naive = await ordersAfter(naiveRecordRequests, ids);
    const fixed = await ordersAfter(recordRequests, ids);
    log(`${ids} orders fetched by id:`);
    log(`  labelled by path:          ${await countSeries(naive)} series of http_request_duration_seconds`);
    log(`  labelled by route pattern: ${await countSeries(fixed)} series`);

    collectRuntimeMetrics(fixed);
    await withServer(createMetricsServer(fixed), async (url) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      log('');
      log(`GET ${url}/metrics (a port of its own), a few lines of it:`);
      const wanted =
        /^(http_request_duration_seconds_(count|bucket\{le="0.01")|nodejs_eventloop_(lag_p99|utilization)|nodejs_heap_size_used|nodejs_active_handles_total)/;
      for (const line of text.split('\n').filter((l) => wanted.test(l))) log(`  ${line}`);
    });
  },
});
