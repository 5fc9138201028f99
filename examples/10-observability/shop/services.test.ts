import { execFileSync } from 'node:child_process';
import { reservablePort } from '@cookbook/shared';
import { testServices, waitUntil } from '@cookbook/shared/testing';
import amqp, { type ChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessShopConfig, watchInProcess } from '../test/in-process.js';
import { useShopEnv } from '../test/shop-env.js';
import { ORDER_PLACED, shopQueuesFromEnv } from './broker.js';
import { brokerConnectionName } from './broker-connection.js';
import { type RunningService, startShop, stopShop } from './services.js';

const shop = useShopEnv('services');

// The three services in one process, as `start.ts all` runs them, driven from the gateway.
describe('the shop: gateway, order service and email worker in one process', () => {
  let services: RunningService[];
  let admin: pg.Pool;
  let broker: ChannelModel;
  const queues = () => shopQueuesFromEnv(shop.env());
  const service = (name: string) => services.find((s) => s.name === name) as RunningService;
  const watch = watchInProcess();
  const logged = (message: string) => watch.logged().filter((line) => line.message === message);
  let metricsPorts: Record<string, number>;

  beforeAll(async () => {
    const config = inProcessShopConfig({ databaseUrl: shop.database.url, amqpUrl: testServices().amqpUrl }, queues());
    const base = await reservablePort(3);
    const metrics = { gateway: base, orders: base + 1, 'email-worker': base + 2 };
    metricsPorts = metrics;
    const ports = { ...config.ports, metrics };
    services = await startShop({ ...config, ports, redisPrefix: shop.env().SHOP_REDIS_PREFIX as string });
    admin = shop.database.pool({ max: 2 });
    broker = await amqp.connect(testServices().amqpUrl);
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('an order through the gateway is stored and emailed to its address, with what was ordered', async () => {
    expect(services.map((s) => s.name)).toEqual(['gateway', 'orders', 'email-worker']);
    const answer = await fetch(`${service('gateway').url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'services-1' },
      body: JSON.stringify({ item: 'sencha', quantity: 2, email: 'ada@example.com' }),
    });
    expect(answer.status).toBe(201);
    const { id } = (await answer.json()) as { id: string };
    const email = await waitUntil(async () => {
      const { rows } = await admin.query('SELECT recipient, subject FROM emails WHERE order_id = $1', [id]);
      return rows[0];
    }, `the email of order ${id}`);
    expect(email).toEqual({ recipient: 'ada@example.com', subject: 'Your order of 2 × sencha' });
    // Each line names the service that wrote it.
    expect(logged('order forwarded')).toMatchObject([{ service: 'gateway', status: 201 }]);
    expect(logged('order placed')).toMatchObject([{ service: 'orders', orderId: id }]);
    expect(logged('confirmation email queued')).toMatchObject([{ service: 'email-worker', orderId: id }]);
  });

  it('the worker acknowledges each message: twelve orders in a row are all emailed (it takes ten at a time)', async () => {
    const ids = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const answer = await fetch(`${service('orders').url}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ item: 'matcha', quantity: 1, email: 'grace@example.com' }),
        });
        return ((await answer.json()) as { id: string }).id;
      }),
    );
    const emailed = async () =>
      (await admin.query('SELECT count(*)::int AS n FROM emails WHERE order_id = ANY($1)', [ids])).rows[0].n;
    await waitUntil(async () => (await emailed()) === 12, 'all twelve emailed');
  });

  it('names its broker connections by service, host and process', () => {
    const connections = execFileSync(
      'rabbitmqctl',
      ['-q', 'list_connections', '--no-table-headers', 'client_properties'],
      {
        encoding: 'utf8',
      },
    );
    for (const name of ['orders', 'email-worker'])
      expect(connections).toContain(`{"connection_name","${brokerConnectionName(name)}"}`);
  });

  it('what the worker cannot handle goes to the dead-letter queue, not back to the queue', async () => {
    const channel = await broker.createConfirmChannel();
    const publish = (content: string) =>
      new Promise<void>((resolve, reject) =>
        channel.publish(queues().exchange, ORDER_PLACED, Buffer.from(content), {}, (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    await publish('not json'); // a producer's bug
    await publish(JSON.stringify({ orderId: '999999', item: 'x', quantity: 1, email: 'a@b.c' })); // no such order
    const deadLettered: string[] = [];
    await waitUntil(async () => {
      const message = await channel.get(queues().deadLetterQueue, { noAck: true });
      if (message) deadLettered.push(message.content.toString());
      return deadLettered.length === 2;
    }, 'both messages in the dead-letter queue');
    expect(deadLettered).toEqual(expect.arrayContaining(['not json', expect.stringContaining('999999')]));
    expect((await channel.checkQueue(queues().queue)).messageCount).toBe(0);
    expect(logged('order message dead-lettered')).toMatchObject([
      { service: 'email-worker', level: 'error' },
      { service: 'email-worker', level: 'error' },
    ]);
    await channel.close();
  });

  it('each serves its metrics, ready, on a port of its own, naming its pool and queue', async () => {
    for (const s of services) expect(Number(new URL(s.metricsUrl).port)).toBe(metricsPorts[s.name]);
    const scraped = async (name: string) => (await fetch(service(name).metricsUrl)).text();
    for (const { name } of services) expect(await scraped(name)).toMatch(/^app_ready 1$/m);
    for (const { name } of services) expect(await scraped(name)).toContain('nodejs_eventloop_utilization_ratio');
    expect(await scraped('orders')).toContain('pg_pool_connections_total{pool="orders"}');
    expect(await scraped('email-worker')).toContain('pg_pool_connections_total{pool="emails"}');
    expect(await scraped('email-worker')).toContain(`rabbitmq_consumer_lag_messages{queue="${queues().queue}"}`);
  });

  it('listens on the loopback interface only', async () => {
    for (const s of services)
      for (const url of [s.url, s.metricsUrl].filter((u) => u !== undefined)) {
        expect(new URL(url as string).hostname).toBe('127.0.0.1');
        await expect(fetch((url as string).replace('127.0.0.1', '[::1]'))).rejects.toThrow();
      }
  });

  it('stopShop stops all three: unready, and every port closed', async () => {
    await stopShop(services);
    for (const s of services) {
      expect((await s.registry.getSingleMetric('app_ready')?.get())?.values[0]?.value).toBe(0);
      for (const url of [s.url, s.metricsUrl].filter((u) => u !== undefined))
        await expect(fetch(url as string)).rejects.toThrow();
    }
  });
});
