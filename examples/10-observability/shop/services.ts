import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createLogger } from '../logging/logger.js';
import { recordPoolMetrics, recordQueueMetrics, recordReadiness } from '../metrics/dependency-metrics.js';
import { createMetricsServer } from '../metrics/metrics-server.js';
import { collectRuntimeMetrics } from '../metrics/runtime-metrics.js';
import type { ShopQueues } from './broker.js';
import { connectShopBroker } from './broker-connection.js';
import { createEmailWorker } from './email-worker.js';
import { createGateway } from './gateway.js';
import { createOrderService } from './orders.js';
import { createServicePool } from './pool.js';
import { createShopSchema } from './schema.js';

export type ServiceName = 'gateway' | 'orders' | 'email-worker';

/** One running service of the shop: where it answers, where it is scraped, how to stop it. */
export interface RunningService {
  name: ServiceName;
  /** The public URL; the email worker has none. */
  url?: string;
  metricsUrl: string;
  registry: Registry;
  stop(): Promise<void>;
}

export interface ShopConfig {
  databaseUrl: string;
  redisUrl: string;
  amqpUrl: string;
  queues: ShopQueues;
  redisPrefix: string;
  /** 0 picks a free port. */
  ports: { gateway: number; orders: number; metrics: Record<ServiceName, number> };
}

/** Each service's registry: runtime metrics, and `app_ready`, 0 while its broker is away and once it stops. */
function instrumentedRegistry(): { registry: Registry; setReady(ready: boolean): void } {
  const registry = new Registry();
  collectRuntimeMetrics(registry);
  let ready = true;
  recordReadiness(registry, () => ready);
  return {
    registry,
    setReady: (value) => {
      ready = value;
    },
  };
}

async function listenOn(server: Server, port: number): Promise<string> {
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Since Node 19, `close()` also ends the idle keep-alive sockets that would hold it open. */
async function closeServer(server: Server): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  await closed;
}

export async function startOrders(config: ShopConfig): Promise<RunningService> {
  const { registry, setReady } = instrumentedRegistry();
  const logger = createLogger({ service: 'orders' });
  const pool = createServicePool({ connectionString: config.databaseUrl, service: 'orders', max: 10, logger });
  recordPoolMetrics(registry, pool, 'orders');
  await createShopSchema(pool);
  const broker = await connectShopBroker(config, { service: 'orders', logger, setReady });
  const server = createServer(
    createOrderService({ pool, channel: broker.channel, queues: config.queues, registry, logger }),
  );
  const url = await listenOn(server, config.ports.orders);
  const metrics = createMetricsServer(registry);
  const metricsUrl = `${await listenOn(metrics, config.ports.metrics.orders)}/metrics`;
  return {
    name: 'orders',
    url,
    metricsUrl,
    registry,
    async stop() {
      setReady(false);
      await closeServer(server);
      await broker.close();
      await pool.end();
      await closeServer(metrics);
    },
  };
}

export async function startGateway(config: ShopConfig, ordersUrl: string): Promise<RunningService> {
  const { registry, setReady } = instrumentedRegistry();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const logger = createLogger({ service: 'gateway' });
  const app = createGateway({ ordersUrl, redis, keyPrefix: config.redisPrefix, registry, logger });
  const server = createServer(app);
  const url = await listenOn(server, config.ports.gateway);
  const metrics = createMetricsServer(registry);
  const metricsUrl = `${await listenOn(metrics, config.ports.metrics.gateway)}/metrics`;
  return {
    name: 'gateway',
    url,
    metricsUrl,
    registry,
    async stop() {
      setReady(false);
      await closeServer(server);
      await redis.quit();
      await closeServer(metrics);
    },
  };
}

export async function startEmails(config: ShopConfig): Promise<RunningService> {
  const { registry, setReady } = instrumentedRegistry();
  const logger = createLogger({ service: 'email-worker' });
  const pool = createServicePool({ connectionString: config.databaseUrl, service: 'email-worker', max: 5, logger });
  recordPoolMetrics(registry, pool, 'emails');
  const worker = createEmailWorker({ pool, queues: config.queues, logger });
  const broker = await connectShopBroker(config, {
    service: 'email-worker',
    logger,
    setReady,
    onChannel: worker.consume,
  });
  recordQueueMetrics(registry, broker, config.queues);
  const metrics = createMetricsServer(registry);
  const metricsUrl = `${await listenOn(metrics, config.ports.metrics['email-worker'])}/metrics`;
  return {
    name: 'email-worker',
    metricsUrl,
    registry,
    async stop() {
      setReady(false);
      await worker.stop();
      await broker.close();
      await pool.end();
      await closeServer(metrics);
    },
  };
}

/** All three in one process, in dependency order; stopped in reverse. */
export async function startShop(config: ShopConfig): Promise<RunningService[]> {
  const orders = await startOrders(config);
  const emails = await startEmails(config);
  const gateway = await startGateway(config, orders.url as string);
  return [gateway, orders, emails];
}

export async function stopShop(services: readonly RunningService[]): Promise<void> {
  for (const service of services) await service.stop();
}
