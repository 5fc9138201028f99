import { deleteRabbitNames, deleteRedisPrefix, rabbitNames, recipe, redisPrefix } from '@cookbook/shared';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { type DemoProcess, startTsx } from '../src/child-process.js';
import { movedSeries } from '../src/exposition.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { renderWaterfall } from './waterfall.js';

const SHOP = new URL('../shop/start.ts', import.meta.url);
const REGISTER = new URL('./register.ts', import.meta.url);
const MOVED = /^(http_request_duration_seconds_count|pg_pool_|rabbitmq_|app_ready)/;

export const tracingDemo = recipe({
  services: ['postgres', 'redis', 'rabbitmq'],
  title: 'One order through gateway → orders → RabbitMQ → email worker → Postgres, as one trace',
  lookFor: 'one waterfall across three processes, each span under its cause; then the counters the order moved',
  async run({ urls, scratchDatabase, defer, log }) {
    const { amqpUrl, redisUrl } = urls;
    const receiver = await startOtlpReceiver();
    defer(() => receiver.close());
    const names = rabbitNames('demo');
    const prefix = redisPrefix('demo');
    defer(async () => {
      const connection = await amqp.connect(amqpUrl);
      await deleteRabbitNames(await connection.createChannel(), names);
      await connection.close();
      const redis = new Redis(redisUrl);
      await deleteRedisPrefix(redis, prefix);
      await redis.quit();
    });
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      DATABASE_URL: await scratchDatabase('observability'),
      REDIS_URL: urls.redisUrl,
      AMQP_URL: urls.amqpUrl,
      SHOP_EXCHANGE: names.exchange('orders'),
      SHOP_QUEUE: names.queue('emails'),
      SHOP_DEAD_LETTER_QUEUE: names.queue('emails.dlq'),
      SHOP_REDIS_PREFIX: prefix,
      ...Object.fromEntries(
        ['GATEWAY_PORT', 'ORDERS_PORT', 'GATEWAY_METRICS_PORT', 'ORDERS_METRICS_PORT', 'EMAIL_WORKER_METRICS_PORT'].map(
          (k) => [k, '0'],
        ),
      ),
    };
    const start = async (service: string, extra: NodeJS.ProcessEnv = {}) => {
      // `--import register.ts` before the app, as production starts it: tracing on before the first import.
      const child = startTsx(
        SHOP,
        [service],
        { ...env, ...extra, OTEL_SERVICE_NAME: service },
        { imports: [REGISTER] },
      );
      defer(() => child.stop().then(() => undefined));
      const where = await child.json((line) =>
        line.service === service ? (line as { url?: string; metricsUrl: string }) : undefined,
      );
      return { child, ...where };
    };
    log('starting orders, email-worker and gateway, each with `node --import ./tracing/register.ts`…');
    // Only the gateway waits: it needs the orders URL.
    const [orders, emails] = await Promise.all([start('orders'), start('email-worker')]);
    const gateway = await start('gateway', { ORDERS_URL: orders.url });
    const services = [gateway, orders, emails];
    const scrape = () => Promise.all(services.map(async (s) => (await fetch(s.metricsUrl)).text()));
    const before = await scrape();

    const response = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `demo-${Date.now()}` },
      body: JSON.stringify({ item: 'green tea', quantity: 2, email: 'ada@example.com' }),
    });
    log(`POST /orders → ${response.status} ${await response.text()}`);
    log('');
    const last = await receiver.waitForSpan((s) =>
      String(s.attributes['db.query.text']).startsWith('INSERT INTO emails'),
    );
    for (const line of renderWaterfall(receiver.spans.filter((s) => s.traceId === last.traceId))) log(line);
    log('');
    log(
      `trace ${last.traceId}: ${new Set(receiver.spans.map((s) => s.service)).size} services, exported over OTLP/HTTP`,
    );

    const after = await scrape();
    log('');
    log('what the order moved, scraped from each service’s /metrics port:');
    services.forEach((service, i) => {
      for (const line of movedSeries(before[i] ?? '', after[i] ?? '', MOVED))
        log(`  ${nameOf(service.child)}  ${line}`);
    });
  },
});

const nameOf = (child: DemoProcess) => child.child.spawnargs.at(-1);
