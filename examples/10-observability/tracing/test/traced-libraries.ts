// What `tracedLibraries()` records and what it leaves out, in one process on real Postgres and Redis:
// a scrape, middleware, and pool work outside a request must make no span; the order's route must.
// Also how the SDK starts (its ESM hook in-thread) and stops: a second start is refused, the stop flushes what is batched and
// lets tracing start again. Prints one JSON line. Env: DATABASE_URL, REDIS_URL, REDIS_KEY.
import type { ExportResult } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../instrumentation.js';
import { recordOf } from './span-record.js';

/** Counts what reaches it: the in-memory exporter forgets its spans when it is shut down. */
class CountingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

const memory = new InMemorySpanExporter();
const batched = new CountingExporter();
const start = () =>
  startTracing({
    serviceName: 'fixture',
    sampleRatio: 1,
    // A batch that never fills or times out on its own: only the stop can send it.
    spanProcessors: [
      new SimpleSpanProcessor(memory),
      new BatchSpanProcessor(batched, { scheduledDelayMillis: 600_000, maxExportBatchSize: 10_000 }),
    ],
  });
// `module.register` would run the ESM hook in a thread of its own, which the diagnostic report lists
// (tsx may already have one: only a thread that the start adds is ours).
const threads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;
const threadsBefore = threads();
start();
const loaderThreads = threads() - threadsBefore;
let secondStart = 'accepted';
try {
  start();
} catch (error) {
  secondStart = (error as Error).message;
}

const { default: express } = await import('express');
const { default: pg } = await import('pg');
const { Redis } = await import('ioredis');
const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
const redis = new Redis(env.REDIS_URL as string);
const key = env.REDIS_KEY as string;

await pool.query("SELECT 'outside a request'"); // a pool ping or schema setup at start-up
await redis.get(key);

const app = express();
app.use(express.json());
app.get('/metrics', (_req, res) => {
  res.type('text/plain').send('# a scrape\n');
});
app.post('/orders', async (_req, res) => {
  await pool.query("SELECT 'inside a request'");
  await redis.get(key);
  res.status(201).json({});
});
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const scrape = await fetch(`${base}/metrics`);
await scrape.text();
const order = await fetch(`${base}/orders`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{}',
});
await order.text();
await new Promise((resolve) => server.close(resolve));
await Promise.all([pool.end(), redis.quit()]);

const spans = memory.getFinishedSpans().map(recordOf);
const batchedBeforeStop = batched.exported;
await stopTracing();
const batchedAtStop = batched.exported;
let restart = 'accepted';
try {
  start();
  await stopTracing();
} catch (error) {
  restart = (error as Error).message;
}
console.log(
  JSON.stringify({
    statuses: [scrape.status, order.status],
    spans,
    secondStart,
    loaderThreads,
    batchedBeforeStop,
    batchedAtStop,
    restart,
  }),
);
