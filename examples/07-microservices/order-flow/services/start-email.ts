import { connectBroker } from '../../broker/connection.js';
import type { Logger } from '../../correlation/logger.js';
import { schemaPool } from '../../db/schema-pool.js';
import { createEmailApp, EMAIL_DDL, startEmailWorker } from '../../reliable-queue/email-service.js';
import { watchPool } from '../../telemetry/dependency-metrics.js';
import { emailServiceEnv } from './deployables.js';
import type { EnvOf } from './env.js';
import { runMain } from './run-main.js';
import { startService } from './run-service.js';

export type EmailServiceConfig = EnvOf<typeof emailServiceEnv>;

/** The email worker alone: consumes order.created; its HTTP server only answers the probes. */
export function startEmailService(config: EmailServiceConfig, log: Logger) {
  return startService('email-service', config, log, async ({ stopping, onStop }) => {
    const pool = schemaPool(config.DATABASE_URL, 'email');
    watchPool(pool, 'email'); // its connections and waiting queries on /metrics
    onStop(() => pool.end());
    await pool.query(EMAIL_DDL);
    const broker = await connectBroker(config.AMQP_URL, log);
    onStop(() => broker.close());
    const worker = await startEmailWorker({
      broker,
      pool,
      queue: config.EMAIL_QUEUE,
      deadLetterQueue: config.EMAIL_DEAD_LETTER_QUEUE,
      bindings: [{ exchange: config.ORDER_EXCHANGE, pattern: 'order.created' }],
      log,
    });
    // Closed before the pool and the broker: the messages in hand finish and are acked first.
    onStop(() => worker.stop());
    return createEmailApp({ pool, broker, consumer: worker, log, readiness: { stopping } });
  });
}

if (import.meta.main) await runMain('email-service', emailServiceEnv, startEmailService);
