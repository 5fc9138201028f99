import { randomUUID } from 'node:crypto';
import { deleteRabbitNames, deleteRedisPrefix, portFromEnv, rabbitNames, recipe, redisPrefix } from '@cookbook/shared';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { DEFAULT_RETRY_DELAYS_MS, retryQueueName } from '../broker/retry.js';
import { launchSystem } from './launcher.js';

const API_KEY = 'demo-key';
type Line = { service: string; message: string; correlationId?: string };

export const orderFlowDemo = recipe({
  services: ['postgres', 'rabbitmq', 'redis'],
  title: 'One order through gateway, order, user and email services',
  lookFor:
    'four processes; gateway → order-service → user-service (HTTP) → email-service (AMQP), one correlation id throughout.',
  async run({ urls, smoke, log, defer, scratchDatabase, untilStopped }) {
    const names = rabbitNames('order_flow');
    for (const delayMs of DEFAULT_RETRY_DELAYS_MS) names.queue(retryQueueName('email', delayMs)); // to clean up
    const prefix = redisPrefix('order_flow');
    defer(() => deleteNames(urls, names, prefix));
    const trace = `order-${randomUUID().slice(0, 8)}`;
    const lines: Line[] = [];
    let emailed = () => {};
    const emailQueued = new Promise<void>((resolve) => {
      emailed = resolve;
    });
    const system = await launchSystem({
      // four child processes, one per service
      ...urls,
      databaseUrl: await scratchDatabase('order_flow'),
      names: {
        exchange: names.exchange('orders'),
        emailQueue: names.queue('email'),
        emailDeadLetterQueue: names.queue('email.dlq'),
        redisPrefix: prefix,
      },
      apiKeys: new Map([[API_KEY, 'demo-client']]),
      gatewayPort: smoke ? 0 : portFromEnv(3070),
      logSink: (raw) => {
        if (!raw.startsWith('{')) return void log(raw);
        const line = JSON.parse(raw) as Line;
        lines.push(line);
        if (line.correlationId === trace && line.message === 'confirmation email queued') emailed();
      },
    });
    defer(async () => {
      const codes = await system.stop(); // SIGTERM to each, gateway first
      log(`Stopped; exit codes: ${JSON.stringify(codes)}`);
    });
    for (const { name, child, url } of system.services) log(`  ${name.padEnd(14)} pid ${child.pid} ${url}`);

    const call = async (path: string, body: unknown, correlationId?: string) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
      };
      if (correlationId) headers['x-correlation-id'] = correlationId;
      const res = await fetch(`${system.urls.gateway}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const user = await call('/api/users', { email: `ada-${trace}@example.com`, name: 'Ada' });
    const items = [{ sku: 'book', quantity: 2, priceCents: 1500 }];
    const order = await call('/api/orders', { userId: user.body.id, items }, trace);
    log(`POST /api/orders → ${order.status} ${JSON.stringify(order.body)}`);
    await emailQueued;
    log(`The path of that order, every log line carrying correlation id ${trace}:`);
    for (const line of lines.filter((l) => l.correlationId === trace))
      log(`  ${line.service.padEnd(14)} ${line.message}`);
    const bad = await call('/api/orders', { userId: user.body.id, items: [] });
    log(`Bad input → ${bad.status} ${JSON.stringify(bad.body)}`);

    if (smoke) return;
    log(`Gateway on ${system.urls.gateway} (Authorization: Bearer ${API_KEY}); Ctrl-C to stop.`);
    for (const [name, url] of Object.entries(system.urls)) log(`  ${name.padEnd(8)} ${url}/health/ready`);
    await untilStopped();
  },
});

/** The demo's queues, exchange and Redis keys, so a run leaves nothing behind. */
async function deleteNames(
  urls: { amqpUrl: string; redisUrl: string },
  names: ReturnType<typeof rabbitNames>,
  prefix: string,
) {
  const connection = await amqp.connect(urls.amqpUrl, { noDelay: true });
  await deleteRabbitNames(await connection.createChannel(), names);
  await connection.close();
  const redis = new Redis(urls.redisUrl);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
}
