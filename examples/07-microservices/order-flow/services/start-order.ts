import { connectBroker } from '../../broker/connection.js';
import { createPublisher } from '../../broker/publisher.js';
import type { Logger } from '../../correlation/logger.js';
import { schemaPool } from '../../db/schema-pool.js';
import { brokerCheck } from '../../http/health.js';
import { createServiceClient } from '../../resilient-http/service-client.js';
import { pickInstance } from '../../service-discovery/registry.js';
import { watchPool } from '../../telemetry/dependency-metrics.js';
import { createOrderApp, ORDERS_DDL } from '../order-service.js';
import { orderServiceEnv } from './deployables.js';
import type { EnvOf } from './env.js';
import { runMain } from './run-main.js';
import { startService } from './run-service.js';

export type OrderServiceConfig = EnvOf<typeof orderServiceEnv>;

/** order-service alone: finds user-service in the registry, announces orders on the exchange. */
export function startOrderService(config: OrderServiceConfig, log: Logger) {
  return startService('order-service', config, log, async ({ registry, stopping, onStop }) => {
    const pool = schemaPool(config.DATABASE_URL, 'orders');
    watchPool(pool, 'orders'); // its connections and waiting queries on /metrics
    onStop(() => pool.end());
    await pool.query(ORDERS_DDL);
    const broker = await connectBroker(config.AMQP_URL, log);
    onStop(() => broker.close());
    const publisher = createPublisher(broker);
    onStop(() => publisher.close());
    const users = createServiceClient({
      baseUrl: () => pickInstance(registry, 'user-service'),
      timeoutMs: config.USER_TIMEOUT_MS,
    });
    onStop(() => users.close());
    return createOrderApp({
      pool,
      users,
      publisher,
      exchange: config.ORDER_EXCHANGE,
      log,
      readiness: { broker: brokerCheck(broker), stopping },
    });
  });
}

if (import.meta.main) await runMain('order-service', orderServiceEnv, startOrderService);
