// The measured service, one variant per process. WORKLOAD=memory answers from memory,
// WORKLOAD=postgres runs one query per request. METRICS=1 adds RED and runtime metrics;
// TRACE_RATIO=<0..1> starts tracing first (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT), and
// TRACE_WITHOUT=express leaves the Express instrumentation out.
import { createServer } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, tracedLibraries } from '../tracing/instrumentation.js';

const ratio = process.env.TRACE_RATIO;
if (ratio) {
  const without = process.env.TRACE_WITHOUT;
  startTracing({
    serviceName: 'bench',
    sampleRatio: Number(ratio),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    instrumentations: tracedLibraries().filter((i) => !without || !i.instrumentationName.endsWith(`-${without}`)),
  });
}
// Imported after tracing starts, as `--import` would arrange.
const { default: express } = await import('express');
const { default: pg } = await import('pg');
const { Registry } = await import('prom-client');
const { recordRequests } = await import('../metrics/red-metrics.js');
const { collectRuntimeMetrics } = await import('../metrics/runtime-metrics.js');
const { recordPoolMetrics } = await import('../metrics/dependency-metrics.js');
const { createMetricsServer } = await import('../metrics/metrics-server.js');

const app = express();
const registry = new Registry();
// CPU the process has used, read by the load generator around its run: CPU per request holds on a
// busy machine where requests/s swings. Mounted before the metrics, so it is not counted.
app.get('/cpu', (_req, res) => void res.json(process.cpuUsage()));
const pool =
  process.env.WORKLOAD === 'postgres'
    ? new pg.Pool({
        connectionString: process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
        max: 10,
      })
    : undefined;
// A restart of Postgres mid-run ends the idle connections too; without a listener pg-pool's 'error'
// ends this process and the run with it. The pool replaces the connection at the next checkout.
pool?.on('error', (error) => console.error(JSON.stringify({ poolError: error.message })));
if (process.env.METRICS === '1') {
  collectRuntimeMetrics(registry);
  if (pool) recordPoolMetrics(registry, pool);
  app.use(recordRequests(registry));
}
app.get('/orders/:id', async (req, res) => {
  if (!pool) {
    res.json({ id: req.params.id, item: 'green tea', quantity: 2 });
    return;
  }
  const { rows } = await pool.query("SELECT $1::int AS id, 'green tea' AS item, 2 AS quantity", [req.params.id]);
  res.json(rows[0]);
});
const server = createServer(app).listen(0, '127.0.0.1', () => {
  const metrics = createMetricsServer(registry).listen(0, '127.0.0.1', () => {
    const port = (s: typeof server) => (s.address() as { port: number }).port;
    console.log(
      JSON.stringify({
        url: `http://127.0.0.1:${port(server)}`,
        metricsUrl: `http://127.0.0.1:${port(metrics)}/metrics`,
      }),
    );
  });
});
process.on('SIGTERM', () => process.exit(0));
