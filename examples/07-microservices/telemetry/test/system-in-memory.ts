// The four services in one process with the SDK's in-memory exporter, started before the system is
// imported. Creates a user, places one order through the gateway, and prints every finished span
// and log line as JSON. Env: DATABASE_URL, REDIS_URL, AMQP_URL, ORDER_FLOW_* names.
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../tracing.js';
import { recordOf } from './span-record.js';

const exporter = new InMemorySpanExporter();
startTracing({ serviceName: 'order-flow', sampleRatio: 1, spanProcessors: [new SimpleSpanProcessor(exporter)] });
const { startSystem } = await import('../../order-flow/system.js');

const env = (name: string) => process.env[name] ?? '';
const logs: Record<string, unknown>[] = [];
let emailed = () => {};
const emailQueued = new Promise<void>((resolve) => {
  emailed = resolve;
});
const system = await startSystem({
  databaseUrl: env('DATABASE_URL'),
  amqpUrl: env('AMQP_URL'),
  redisUrl: env('REDIS_URL'),
  names: {
    exchange: env('ORDER_FLOW_EXCHANGE'),
    emailQueue: env('ORDER_FLOW_EMAIL_QUEUE'),
    emailDeadLetterQueue: env('ORDER_FLOW_EMAIL_DLQ'),
    redisPrefix: env('ORDER_FLOW_REDIS_PREFIX'),
  },
  apiKeys: new Map([['test-key', 'test-client']]),
  logSink: (raw) => {
    const line = JSON.parse(raw) as Record<string, unknown>;
    logs.push(line);
    if (line.message === 'confirmation email queued') emailed();
  },
});
const post = (path: string, body: unknown) =>
  fetch(`${system.urls.gateway}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const user = (await (await post('/api/users', { email: 'ada@example.com', name: 'Ada' })).json()) as { id: number };
exporter.reset(); // the order's trace only
logs.length = 0;
const order = await post('/api/orders', { userId: user.id, items: [{ sku: 'book', quantity: 1, priceCents: 900 }] });
console.log(JSON.stringify({ placed: order.status }));
await Promise.race([emailQueued, new Promise((resolve) => setTimeout(resolve, 15_000))]);
await system.stop();
console.log(JSON.stringify({ spans: exporter.getFinishedSpans().map(recordOf), logs }));
await stopTracing();
