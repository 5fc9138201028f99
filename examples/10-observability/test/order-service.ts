import { testServices } from '@cookbook/shared/testing';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Express } from 'express';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { declareShopQueues, type ShopQueues, shopQueuesFromEnv } from '../shop/broker.js';
import { createOrderService } from '../shop/orders.js';
import { createShopSchema } from '../shop/schema.js';
import { watchInProcess } from './in-process.js';
import { useShopEnv } from './shop-env.js';

export interface OrderServiceUnderTest {
  /** The order service on the file's database and queues, publishing on a confirm channel. */
  app(): Express;
  /** Another order service on the same database: `publisher` is what `channel()` returns. */
  serviceOn(publisher: () => ConfirmChannel | undefined, queues?: ShopQueues): Express;
  pool(): pg.Pool;
  broker(): ChannelModel;
  channel(): ConfirmChannel;
  queues(): ShopQueues;
  /** How many orders the database holds. */
  stored(): Promise<number>;
  logged(message: string): Record<string, unknown>[];
}

/** The order service in the test's process, on real Postgres and RabbitMQ, without the rest of the shop. */
export function useOrderService(label: string): OrderServiceUnderTest {
  const shop = useShopEnv(label);
  const watch = watchInProcess();
  let pool: pg.Pool;
  let broker: ChannelModel;
  let channel: ConfirmChannel;
  let queues: ShopQueues;
  let app: Express;
  const serviceOn = (publisher: () => ConfirmChannel | undefined, to = queues) =>
    createOrderService({
      pool,
      channel: publisher,
      queues: to,
      registry: new Registry(),
      logger: createLogger({ service: 'order-service-test' }),
    });
  beforeAll(async () => {
    pool = shop.database.pool({ max: 2 });
    await createShopSchema(pool);
    await createShopSchema(pool); // every service runs it at start: a second run must not fail
    broker = await amqp.connect(testServices().amqpUrl);
    channel = await broker.createConfirmChannel();
    queues = shopQueuesFromEnv(shop.env());
    await declareShopQueues(channel, queues);
    app = serviceOn(() => channel);
  });
  afterAll(async () => {
    await broker?.close();
  });
  return {
    app: () => app,
    serviceOn,
    pool: () => pool,
    broker: () => broker,
    channel: () => channel,
    queues: () => queues,
    stored: async () => (await pool.query('SELECT count(*)::int AS n FROM orders')).rows[0].n as number,
    logged: (message) => watch.logged().filter((line) => line.message === message),
  };
}
