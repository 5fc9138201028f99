import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { closeServer, listen } from '@cookbook/shared';
import { waitUntil } from '@cookbook/shared/testing';
import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsServer } from '../metrics/metrics-server.js';
import { recordRequests } from '../metrics/red-metrics.js';
import { queryPrometheus, redQueries } from './promql.js';
import { type RunningPrometheus, startPrometheus } from './test/prometheus.js';

const TOKEN = 'scrape-token-for-tests';
const RULES = fileURLToPath(new URL('../alerts/alerts.rules.yml', import.meta.url));
const isError = (id: number) => id % 10 === 1; // 10% of orders fail
const isSlow = (id: number) => id % 5 === 0; // 20% take 300 ms

/** Orders by id: most answer at once, a fifth after 300 ms, a tenth with a 500. */
function ordersApp(registry: Registry) {
  const app = express();
  app.use(recordRequests(registry));
  app.get('/orders/:id', (req, res) => {
    const id = Number(req.params.id);
    if (isError(id)) res.status(500).json({ error: 'boom' });
    else if (isSlow(id)) setTimeout(() => res.json({ id }), 300);
    else res.json({ id });
  });
  return app;
}

/** Bounded load: `ids` requested `concurrency` at a time, every answer awaited. */
async function load(url: string, ids: readonly number[], concurrency = 10): Promise<void> {
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift())
      await (await fetch(`${url}/orders/${id}`)).arrayBuffer();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

describe('a real Prometheus scraping the service under load', () => {
  let app: Server;
  let metrics: Server;
  let appUrl: string;
  let prometheus: RunningPrometheus;
  const total = (promql = 'sum(http_request_duration_seconds_count)') =>
    queryPrometheus(prometheus.url, promql).then((samples) => samples[0]?.value);

  beforeAll(async () => {
    const registry = new Registry();
    app = createServer(ordersApp(registry));
    appUrl = await listen(app, 0);
    metrics = createMetricsServer(registry, { token: TOKEN });
    const metricsUrl = await listen(metrics, 0);
    prometheus = await startPrometheus([{ job: 'orders', address: new URL(metricsUrl).host, token: TOKEN }], [RULES]);
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
    await closeServer(app);
    await closeServer(metrics);
  });

  // #region scrape
  it('rate() and histogram_quantile() agree with the load that was sent', async () => {
    // One request of each status first, scraped before the load starts: the series exist, and the
    // range below holds a sample from before the first loaded request.
    await load(appUrl, [2, 1]);
    await waitUntil(async () => (await total()) === 2, 'Prometheus to scrape the two warm-up requests');
    const started = Date.now();
    const ids = Array.from({ length: 300 }, (_, i) => i + 3);
    await load(appUrl, ids);
    await waitUntil(async () => (await total()) === 302, 'Prometheus to scrape all 302 requests', 30_000);
    const window = Math.ceil((Date.now() - started) / 1000) + 2;

    const [rate] = await queryPrometheus(prometheus.url, redQueries.rate(`${window}s`));
    expect(rate?.labels.route).toBe('/orders/:id');
    // rate() × window is the increase it saw: the 300 requests, give or take its extrapolation.
    expect((rate?.value ?? 0) * window).toBeGreaterThan(300 * 0.8);
    expect((rate?.value ?? 0) * window).toBeLessThan(300 * 1.25);

    const [errors] = await queryPrometheus(prometheus.url, redQueries.errorRatio(`${window}s`));
    const sentErrors = ids.filter(isError).length / ids.length;
    expect(errors?.value).toBeGreaterThan(sentErrors - 0.02);
    expect(errors?.value).toBeLessThan(sentErrors + 0.02);

    // A fifth of the requests slept 300 ms: the median is fast, the p99 is in the slow buckets.
    const [p50] = await queryPrometheus(prometheus.url, redQueries.quantile(0.5, `${window}s`));
    const [p99] = await queryPrometheus(prometheus.url, redQueries.quantile(0.99, `${window}s`));
    expect(p50?.value).toBeLessThan(0.25);
    expect(p99?.value).toBeGreaterThanOrEqual(0.25);
  }, 90_000);
  // #endregion scrape

  it('scrapes with the token, and loads the alert rules', async () => {
    expect(await total('up{job="orders"}')).toBe(1);
    const rules = async () => {
      const response = await fetch(`${prometheus.url}/api/v1/rules`);
      const { data } = (await response.json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
      return data.groups.flatMap((group) => group.rules);
    };
    expect((await rules()).map((rule) => rule.name).sort()).toEqual([
      'DeadLetterQueueGrowing',
      'EventLoopDelayHigh',
      'HighErrorRatio',
      'HighP99Latency',
      'ReadinessFlapping',
    ]);
    await waitUntil(
      async () => (await rules()).every((rule) => rule.health === 'ok'),
      'every rule to evaluate cleanly',
    );
  });

  it('queryPrometheus asks at the time given, and a query Prometheus refuses is an error naming it', async () => {
    const now = await queryPrometheus(prometheus.url, 'up{job="orders"}', new Date());
    expect(now.map((sample) => sample.value)).toEqual([1]);
    // An hour ago this Prometheus had no samples at all: an instant query then finds nothing.
    expect(await queryPrometheus(prometheus.url, 'up{job="orders"}', new Date(Date.now() - 3_600_000))).toEqual([]);
    await expect(queryPrometheus(prometheus.url, 'sum(')).rejects.toThrow(/^Prometheus refused sum\(: .*parse error/);
  });
});
