// Which outgoing calls carry `traceparent`: `http.request` and global `fetch`, from inside one span.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../instrumentation.js';

startTracing({
  serviceName: 'caller',
  sampleRatio: 1,
  spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
});
const { default: http } = await import('node:http');
const { metrics, trace } = await import('@opentelemetry/api');

const seen: Record<string, string | undefined> = {};
const server = http.createServer((req, res) => {
  seen[String(req.url)] = req.headers.traceparent as string | undefined;
  res.end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

const traceId = await trace.getTracer('fixture').startActiveSpan('place order', async (span) => {
  await new Promise<void>((resolve, reject) =>
    http.get(`${base}/http-request`, (res) => res.resume().on('end', resolve)).on('error', reject),
  );
  await fetch(`${base}/fetch`);
  span.end();
  return span.spanContext().traceId;
});
server.close();
// Traces only: no OTLP metrics pipeline was started behind the app's back.
const meterProvider = metrics.getMeterProvider().constructor.name;
console.log(JSON.stringify({ traceId, seen, meterProvider }));
await stopTracing();
