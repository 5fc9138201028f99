import { Redis } from 'ioredis';
import type pg from 'pg';
import { connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { createLogger, type LogSink } from '../correlation/logger.js';
import { schemaPool } from '../db/schema-pool.js';
import { brokerCheck } from '../http/health.js';
import { serve } from '../http/serve.js';
import { createEmailApp, EMAIL_DDL, startEmailWorker } from '../reliable-queue/email-service.js';
import { createServiceClient, type ServiceClientOptions } from '../resilient-http/service-client.js';
import { pickInstance, RedisRegistry, type Registration, readinessOf } from '../service-discovery/registry.js';
import { createGateway } from './gateway.js';
import { createOrderApp, ORDERS_DDL } from './order-service.js';
import { createUserApp, USERS_DDL } from './user-service.js';

export interface SystemOptions {
  databaseUrl: string;
  /** Makes each service's pool; a test passes one whose teardown it controls. */
  pool?: (schema: string) => pg.Pool;
  amqpUrl: string;
  redisUrl: string;
  /** Exchange, queues and Redis prefix: unique per test file, fixed names in the demo. */
  names: { exchange: string; emailQueue: string; emailDeadLetterQueue: string; redisPrefix: string };
  apiKeys: ReadonlyMap<string, string>;
  ports?: { gateway: number; users: number; orders: number; email: number };
  logSink?: LogSink;
  rateLimit?: { limit: number; windowMs: number };
  userClient?: Partial<ServiceClientOptions>;
  /** How long the gateway waits for a service before answering 504. */
  gatewayTimeoutMs?: number;
  /** How long a registration lives without a healthy heartbeat. */
  registryTtlMs?: number;
}

/**
 * The four services of the walk-through, each with its own pool, schema, broker connection and
 * logger, finding each other through the registry. In production each is its own process and
 * image; here one function starts them so the demo and the tests can follow one order through.
 */
export async function startSystem(options: SystemOptions) {
  const { names, ports = { gateway: 0, users: 0, orders: 0, email: 0 } } = options;
  const logger = (service: string) => createLogger(service, options.logSink);
  const pool = options.pool ?? ((schema: string) => schemaPool(options.databaseUrl, schema));
  const stops: (() => Promise<unknown> | unknown)[] = [];
  const registrations: Registration[] = [];
  const stop = async () => {
    // Leave the registry first, so no caller is sent to a service that is shutting down.
    await Promise.allSettled(registrations.splice(0).map((r) => r.deregister()));
    for (const step of stops.splice(0).reverse()) await Promise.resolve(step()).catch(() => {});
  };

  try {
    const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2 });
    stops.push(() => redis.quit());
    const registry = new RedisRegistry(redis, names.redisPrefix);
    // #region register-while-ready
    // Every service registers, and each heartbeat renews it only while its own readiness passes.
    const ttlMs = options.registryTtlMs ?? 3_000;
    const register = async (service: string, url: string) => {
      const healthCheck = readinessOf(url, Math.min(1_000, ttlMs / 3));
      registrations.push(await registry.register({ service, id: url, url }, { ttlMs, healthCheck }));
    };
    // #endregion register-while-ready

    // user-service
    const usersPool = pool('users');
    stops.push(() => usersPool.end());
    await usersPool.query(USERS_DDL);
    const users = await serve(createUserApp({ pool: usersPool, log: logger('user-service') }), ports.users);
    stops.push(users.close);
    await register('user-service', users.url);

    // order-service: calls user-service over HTTP, announces orders over AMQP
    const ordersLog = logger('order-service');
    const ordersPool = pool('orders');
    stops.push(() => ordersPool.end());
    await ordersPool.query(ORDERS_DDL);
    const ordersBroker = await connectBroker(options.amqpUrl, ordersLog);
    stops.push(() => ordersBroker.close());
    const publisher = createPublisher(ordersBroker);
    stops.push(() => publisher.close());
    const userClient = createServiceClient({
      baseUrl: () => pickInstance(registry, 'user-service'),
      ...options.userClient,
    });
    stops.push(() => userClient.close());
    const orderApp = createOrderApp({
      pool: ordersPool,
      users: userClient,
      publisher,
      exchange: names.exchange,
      log: ordersLog,
      readiness: { broker: brokerCheck(ordersBroker) },
    });
    const orders = await serve(orderApp, ports.orders);
    stops.push(orders.close);
    await register('order-service', orders.url);

    // email-service: consumes order.created from its own queue
    const emailLog = logger('email-service');
    const emailPool = pool('email');
    stops.push(() => emailPool.end());
    await emailPool.query(EMAIL_DDL);
    const emailBroker = await connectBroker(options.amqpUrl, emailLog);
    stops.push(() => emailBroker.close());
    const worker = await startEmailWorker({
      broker: emailBroker,
      pool: emailPool,
      queue: names.emailQueue,
      deadLetterQueue: names.emailDeadLetterQueue,
      bindings: [{ exchange: names.exchange, pattern: 'order.created' }],
      log: emailLog,
    });
    stops.push(() => worker.stop());
    const email = await serve(
      createEmailApp({ pool: emailPool, broker: emailBroker, consumer: worker, log: emailLog }),
      ports.email,
    );
    stops.push(email.close);
    await register('email-service', email.url);

    // gateway: the only door for external clients
    const gatewayApp = createGateway({
      routes: {
        '/api/users': () => pickInstance(registry, 'user-service').then((url) => `${url}/users/`),
        '/api/orders': () => pickInstance(registry, 'order-service').then((url) => `${url}/orders/`),
      },
      apiKeys: options.apiKeys,
      redis,
      redisPrefix: names.redisPrefix,
      rateLimit: options.rateLimit,
      ...(options.gatewayTimeoutMs ? { timeoutMs: options.gatewayTimeoutMs } : {}),
      log: logger('gateway'),
    });
    const gateway = await serve(gatewayApp, ports.gateway);
    stops.push(gateway.close);
    await register('gateway', gateway.url);

    return {
      urls: { gateway: gateway.url, users: users.url, orders: orders.url, email: email.url },
      pools: { emailPool, ordersPool },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type System = Awaited<ReturnType<typeof startSystem>>;
