// The whole shop in one process with the SDK's in-memory exporter, started before the shop is
// imported. Places one order through the gateway and prints every finished span as one JSON line.
// Env: DATABASE_URL, REDIS_URL, AMQP_URL, SHOP_* names, LATE=1 to start tracing after the imports.
import type { Context } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, type Span } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../instrumentation.js';
import { recordOf } from './span-record.js';

const exporter = new InMemorySpanExporter();
let emailStored: () => void = () => {};
const emailSpanEnded = new Promise<void>((resolve) => {
  emailStored = resolve;
});
/** Wakes the fixture when the worker's INSERT into emails has finished: the last hop of the order. */
class LastHopProcessor extends SimpleSpanProcessor {
  override onStart(span: Span, parent: Context): void {
    super.onStart(span, parent);
  }
  override onEnd(span: ReadableSpan): void {
    super.onEnd(span);
    if (JSON.stringify(span.attributes).includes('INSERT INTO emails')) emailStored();
  }
}

const late = process.env.LATE === '1';
const start = () =>
  startTracing({ serviceName: 'shop', sampleRatio: 1, spanProcessors: [new LastHopProcessor(exporter)] });
if (!late) start();
const { startShop, stopShop } = await import('../../shop/services.js');
const { shopQueuesFromEnv } = await import('../../shop/broker.js');
if (late) start(); // the pitfall: express, pg, amqplib and ioredis are already loaded

const env = process.env;
const services = await startShop({
  databaseUrl: env.DATABASE_URL as string,
  redisUrl: env.REDIS_URL as string,
  amqpUrl: env.AMQP_URL as string,
  queues: shopQueuesFromEnv(env),
  redisPrefix: env.SHOP_REDIS_PREFIX ?? 'test:',
  ports: { gateway: 0, orders: 0, metrics: { gateway: 0, orders: 0, 'email-worker': 0 } },
});
const [gateway] = services;
const response = await fetch(`${gateway?.url}/orders`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'idempotency-key': `order-${process.pid}` },
  body: JSON.stringify({ item: 'green tea', quantity: 2, email: 'ada@example.com' }),
});
console.log(JSON.stringify({ placed: response.status }));
await Promise.race([emailSpanEnded, new Promise((resolve) => setTimeout(resolve, late ? 2_000 : 15_000))]);
await stopShop(services);
console.log(JSON.stringify({ spans: exporter.getFinishedSpans().map(recordOf) }));
await stopTracing();
