import { type OwnRabbit, startOwnRabbit, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessShopConfig, watchInProcess } from '../test/in-process.js';
import { shopProbes } from '../test/shop-probes.js';
import { type RunningService, startEmails, startOrders } from './services.js';

const database = useTestDatabase('broker_crash');

// In process, as broker-restart.test.ts, but the broker is a RabbitMQ node of this file's own that
// the test SIGKILLs and starts again: it loses every connection and channel, and comes back with
// only what it had written to disk.
describe('the RabbitMQ node under the order service and the email worker is killed and restarted', () => {
  let rabbit: OwnRabbit;
  let orders: RunningService;
  let emails: RunningService;
  let admin: pg.Pool;
  const watch = watchInProcess();
  const { crashes } = watch;
  const { logged, ready, emailed, postOrder, placeOrder } = shopProbes(watch, () => ({ orders, admin }));
  let config: Parameters<typeof startOrders>[0];

  beforeAll(async () => {
    rabbit = await startOwnRabbit();
    config = inProcessShopConfig({ databaseUrl: database.url, amqpUrl: rabbit.url });
    orders = await startOrders(config); // creates the tables
    emails = await startEmails(config);
    admin = database.pool({ max: 2 });
  }, 60_000);
  afterAll(async () => {
    await orders?.stop();
    await emails?.stop();
    await rabbit?.stop();
  });

  it('both report unready while it is gone, then reconnect by themselves, and the next order is emailed', async () => {
    await placeOrder();
    const restarted = rabbit.restart();
    await waitUntil(async () => (await ready(orders)) === 0 && (await ready(emails)) === 0, 'both to report unready');
    await restarted;
    await waitUntil(
      async () => (await ready(orders)) === 1 && (await ready(emails)) === 1,
      'both to be ready again',
      60_000,
    );
    await placeOrder(); // the worker re-declared its queue on the restarted node and consumes from it
    for (const service of ['orders', 'email-worker'] as const) {
      expect(logged('rabbitmq connection lost', service).length, service).toBeGreaterThanOrEqual(1);
      expect(logged('rabbitmq connection restored', service).length, service).toBeGreaterThanOrEqual(1);
    }
    expect(crashes).toEqual([]);
  }, 90_000);

  it('an order the worker had not taken yet is still queued after the crash: persistent, in a durable queue', async () => {
    await emails.stop(); // nobody consumes: the order's message waits in the queue
    const accepted = await postOrder();
    expect(accepted.status).toBe(201);
    const { id } = (await accepted.json()) as { id: string };
    await rabbit.restart();
    await waitUntil(async () => (await ready(orders)) === 1, 'the order service to be ready again', 60_000);
    emails = await startEmails(config);
    await waitUntil(emailed(id), `the email of order ${id}, accepted before the crash`);
    expect(crashes).toEqual([]);
  }, 90_000);
});
