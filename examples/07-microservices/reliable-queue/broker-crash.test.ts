import { type OwnRabbit, startOwnRabbit, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import amqp from 'amqplib';
import type pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { createLogger } from '../correlation/logger.js';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { publishMany } from '../test/amqp.js';
import { createEmailApp, EMAIL_DDL, startEmailWorker } from './email-service.js';

// A RabbitMQ node of this file's own, killed for real: the shared broker is never touched.
const database = useTestDatabase('microservices_broker_crash');
let rabbit: OwnRabbit;
let pool: pg.Pool;

beforeAll(async () => {
  rabbit = await startOwnRabbit();
  pool = database.pool(schemaPoolConfig('email', 4));
  await pool.query(EMAIL_DDL);
}, 60_000);
afterAll(async () => rabbit?.stop());

const sent = async () => Number((await pool.query('SELECT count(*) FROM sent_emails')).rows[0].count);

/** Publishes on a connection of its own, which the crash does not need to outlive. */
async function publish(queue: string, count: number): Promise<void> {
  const connection = await amqp.connect(rabbit.url);
  try {
    await publishMany(await connection.createConfirmChannel(), queue, count);
  } finally {
    await connection.close();
  }
}

describe('a consumer whose RabbitMQ node is killed (SIGKILL) and started again', () => {
  it('resumes on the restarted node by itself: every message applied once, 503 until it consumes', {
    timeout: 120_000,
  }, async () => {
    const TOTAL = 2_000;
    const log = createLogger('email-service', () => {});
    const broker = await connectBroker(rabbit.url, log);
    const queue = 'email.order-created';
    const worker = await startEmailWorker({ broker, pool, queue, deadLetterQueue: `${queue}.dlq`, prefetch: 20, log });
    const app = createEmailApp({ pool, broker, consumer: worker, log });
    const ready = async () => (await request(app).get('/health/ready')).status;
    try {
      await publish(queue, TOTAL);
      await waitUntil(async () => (await sent()) >= TOTAL * 0.3, 'a third of the stream');
      const restarted = rabbit.restart();
      await waitUntil(async () => (await ready()) === 503, 'readiness to fail while the node is gone');
      expect(await sent()).toBeLessThan(TOTAL); // killed mid-stream
      await restarted;
      await waitUntil(async () => (await ready()) === 200, 'readiness back', 60_000);
      await waitUntil(async () => (await sent()) >= TOTAL, 'every message', 60_000);
      // Unacked deliveries came back after the crash; the message-id check applied each one once.
      const { rows } = await pool.query(
        'SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM sent_emails',
      );
      expect(rows[0]).toEqual({ total: TOTAL, distinct: TOTAL });
      expect(worker.consuming).toBe(true);
    } finally {
      await worker.stop();
      await broker.close().catch(() => {});
    }
  });
});
