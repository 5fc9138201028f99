import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { demoId, waitFor } from './demo-util.js';
import { type System, startSystem } from './system.js';

export type Urls = { databaseUrl: string; amqpUrl: string; redisUrl: string };
const API_KEY = 'demo-key';

/** Starts the four services, walks one order through them, and prints its trail by correlation id. */
export async function orderFlowDemo(
  urls: Urls,
  /** When set, the services keep serving until it resolves (main passes a SIGINT/SIGTERM wait). */
  serveUntil?: () => Promise<void>,
): Promise<void> {
  const keepServing = serveUntil !== undefined;
  const id = demoId();
  const names = {
    exchange: `${id}.orders`,
    emailQueue: `${id}.email`,
    emailDeadLetterQueue: `${id}.email.dlq`,
    redisPrefix: `${id}:`,
  };
  const lines: { service: string; message: string; correlationId?: string }[] = [];
  const database = await createDemoDatabase(urls.databaseUrl, id);
  const system: System = await startSystem({
    ...urls,
    databaseUrl: database.url,
    names,
    apiKeys: new Map([[API_KEY, 'demo-client']]),
    ports: keepServing ? { gateway: 3070, users: 3071, orders: 3072, email: 3073 } : undefined,
    logSink: (line) => {
      lines.push(JSON.parse(line));
      if (keepServing) console.log(line);
    },
  });
  const cleanup = async () => {
    await system.stop();
    await deleteDemoNames(urls, names);
    await database.drop();
  };
  try {
    const call = async (path: string, body: unknown, correlationId?: string) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${API_KEY}`,
        'content-type': 'application/json',
      };
      if (correlationId) headers['x-correlation-id'] = correlationId;
      const res = await fetch(`${system.urls.gateway}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const user = await call('/api/users', { email: 'ada@example.com', name: 'Ada' });
    const trace = `order-${randomUUID().slice(0, 8)}`;
    const order = await call(
      '/api/orders',
      { userId: user.body.id, items: [{ sku: 'book', quantity: 2, priceCents: 1500 }] },
      trace,
    );
    console.log(`POST /api/orders → ${order.status} ${JSON.stringify(order.body)}`);
    await waitFor(
      () => lines.some((l) => l.correlationId === trace && l.message === 'confirmation email queued'),
      'the email',
    );
    console.log(`\nThe path of that order, every log line carrying correlation id ${trace}:`);
    for (const line of lines.filter((l) => l.correlationId === trace))
      console.log(`  ${line.service.padEnd(14)} ${line.message}`);
    const bad = await call('/api/orders', { userId: user.body.id, items: [] });
    console.log(`\nBad input → ${bad.status} ${JSON.stringify(bad.body)}`);
    console.log('Look for: gateway → order-service → user-service (HTTP) → email-service (AMQP), one id throughout.');
  } catch (error) {
    await cleanup();
    throw error;
  }
  if (!keepServing) return cleanup();
  console.log(`\nGateway on ${system.urls.gateway} (Authorization: Bearer ${API_KEY}); Ctrl-C to stop.`);
  for (const [name, url] of Object.entries(system.urls)) console.log(`  ${name.padEnd(8)} ${url}/health/ready`);
  await serveUntil();
  await cleanup();
}

/** A database of its own for the walk-through, dropped at the end: nothing left behind. */
async function createDemoDatabase(adminUrl: string, id: string) {
  const name = id.replace(/\W/g, '_');
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function deleteDemoNames(
  urls: Urls,
  names: { exchange: string; emailQueue: string; emailDeadLetterQueue: string; redisPrefix: string },
) {
  const connection = await amqp.connect(urls.amqpUrl);
  const channel = await connection.createChannel();
  for (const queue of [names.emailQueue, names.emailDeadLetterQueue]) await channel.deleteQueue(queue);
  await channel.deleteExchange(names.exchange);
  await connection.close();
  const redis = new Redis(urls.redisUrl);
  const keys = await redis.keys(`${names.redisPrefix}*`);
  if (keys.length > 0) await redis.unlink(...keys);
  redis.disconnect();
}
