import { createServer } from 'node:http';
import { closeServer, listen, recipe } from '@cookbook/shared';
import express from 'express';
import { Registry } from 'prom-client';
import { createMetricsServer } from '../metrics/metrics-server.js';
import { recordRequests } from '../metrics/red-metrics.js';
import { queryPrometheus, redQueries } from './promql.js';
import { startPrometheus } from './test/prometheus.js';

export const scrapingDemo = recipe({
  services: [],
  title: 'A real Prometheus scrapes the service under load; PromQL answers for it',
  lookFor: 'requests/s, the 5xx share and p50/p99 that Prometheus computes from what it scraped',
  async run({ smoke, defer, log }) {
    const registry = new Registry();
    const app = express();
    app.use(recordRequests(registry));
    app.get('/orders/:id', (req, res) => {
      const id = Number(req.params.id);
      if (id % 10 === 1) res.status(500).json({ error: 'boom' });
      else setTimeout(() => res.json({ id }), id % 5 === 0 ? 300 : 0);
    });
    const server = createServer(app);
    const appUrl = await listen(server, 0);
    defer(() => closeServer(server));
    const metrics = createMetricsServer(registry);
    const metricsUrl = await listen(metrics, 0);
    defer(() => closeServer(metrics));
    const prometheus = await startPrometheus([{ job: 'orders', address: new URL(metricsUrl).host }]);
    defer(() => prometheus.stop());
    log(`Prometheus ${prometheus.url} scrapes ${metricsUrl} every second`);

    const scraped = async (count: number) => {
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const [sum] = await queryPrometheus(prometheus.url, 'sum(http_request_duration_seconds_count)');
        if (sum?.value === count) return;
      }
      throw new Error(`Prometheus had not scraped ${count} requests after 15 s`);
    };
    await Promise.all([2, 1].map((id) => fetch(`${appUrl}/orders/${id}`).then((r) => r.arrayBuffer())));
    await scraped(2); // the series exist before the load, so rate() sees it from its start

    const seconds = smoke ? 3 : 10;
    log(`sending orders for ${seconds} s: 10% fail, 20% take 300 ms…`);
    const started = Date.now();
    let sent = 2;
    for (let id = 3; Date.now() < started + seconds * 1000; id += 10, sent += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => fetch(`${appUrl}/orders/${id + i}`).then((r) => r.arrayBuffer())),
      );
    }
    await scraped(sent);
    log(`${sent - 2} requests sent; Prometheus says:`);
    const window = `${Math.ceil((Date.now() - started) / 1000) + 2}s`;
    for (const [label, promql] of [
      ['requests/s', redQueries.rate(window)],
      ['5xx share', redQueries.errorRatio(window)],
      ['p50 seconds', redQueries.quantile(0.5, window)],
      ['p99 seconds', redQueries.quantile(0.99, window)],
    ] as const) {
      const [sample] = await queryPrometheus(prometheus.url, promql);
      log(`  ${label.padEnd(12)} ${sample?.value.toFixed(3).padStart(8)}   ${promql.replace(/\s+/g, ' ')}`);
    }
  },
});
