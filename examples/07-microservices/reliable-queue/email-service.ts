import type pg from 'pg';
import type { Broker } from '../broker/connection.js';
import { type Consumer, startConsumer } from '../broker/consumer.js';
import type { Logger } from '../correlation/logger.js';
import { parseOrderCreated } from '../events/order-created.js';
import { brokerCheck, consumerCheck, healthRouter, postgresCheck, type ReadinessCheck } from '../http/health.js';
import { createServiceApp, finishServiceApp } from '../http/service-app.js';
import { applyOnce, PROCESSED_MESSAGES_DDL } from './processed-messages.js';

/** email-service owns the `email` schema: its pool's search_path points there (see schemaPool). */
export const EMAIL_DDL = `
  CREATE SCHEMA IF NOT EXISTS email;
  SET search_path TO email;
  ${PROCESSED_MESSAGES_DDL};
  CREATE TABLE IF NOT EXISTS sent_emails (
    id         bigserial PRIMARY KEY,
    message_id text NOT NULL,
    order_id   uuid NOT NULL,
    recipient  text NOT NULL,
    subject    text NOT NULL
  )`;

export interface EmailWorkerOptions {
  broker: Broker;
  /** A pool whose search_path is the `email` schema. */
  pool: pg.Pool;
  queue: string;
  deadLetterQueue: string;
  bindings?: { exchange: string; pattern: string }[];
  prefetch?: number;
  log: Logger;
}

// #region email-worker
/**
 * Records the order confirmation once per event. The row in sent_emails is the outbox a mail
 * sender drains: it commits with the processed-message claim, so a redelivery adds nothing.
 */
export function startEmailWorker({ broker, pool, log, ...queueOptions }: EmailWorkerOptions) {
  return startConsumer(broker, {
    ...queueOptions,
    log,
    parse: parseOrderCreated,
    handle: async (event, { messageId, redelivered }) => {
      const outcome = await applyOnce(pool, 'email-service', messageId, async (client) => {
        await client.query(
          'INSERT INTO sent_emails (message_id, order_id, recipient, subject) VALUES ($1, $2, $3, $4)',
          [messageId, event.orderId, event.email, `Your order ${event.orderId.slice(0, 8)} is confirmed`],
        );
      });
      log.info(outcome === 'applied' ? 'confirmation email queued' : 'duplicate event ignored', {
        orderId: event.orderId,
        redelivered,
      });
    },
  });
}
// #endregion email-worker

export interface EmailAppDeps {
  pool: pg.Pool;
  broker: Broker;
  /** The worker: readiness fails while it is not consuming, even with the connection up. */
  consumer: Consumer;
  log: Logger;
  readiness?: Record<string, ReadinessCheck>;
}

/** email-service has no public API, only the probes its orchestrator needs. */
export function createEmailApp({ pool, broker, consumer, log, readiness = {} }: EmailAppDeps) {
  const app = createServiceApp();
  app.use(
    healthRouter({
      postgres: postgresCheck(pool),
      broker: brokerCheck(broker),
      consumer: consumerCheck(consumer),
      ...readiness,
    }),
  );
  return finishServiceApp(app, log);
}
