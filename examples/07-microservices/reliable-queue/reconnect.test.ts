import { startTcpProxy, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { createLogger } from '../correlation/logger.js';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { consumerQueues, depth, publishMany, useRabbit } from '../test/amqp.js';
import { createEmailApp, EMAIL_DDL, startEmailWorker } from './email-service.js';

const database = useTestDatabase('microservices_reconnect');
const rabbit = useRabbit('reconnect');
let pool: pg.Pool;

beforeAll(async () => {
  pool = database.pool(schemaPoolConfig('email', 4));
  await pool.query(EMAIL_DDL);
});

const count = async (sql: string) => Number((await pool.query(sql)).rows[0].count);
const consumers = async (queue: string) => (await rabbit.channel.checkQueue(queue)).consumerCount;

/** An email-service whose broker connection runs through a proxy the test can cut. */
async function proxiedEmailService(base: string) {
  const { queue, deadLetterQueue } = consumerQueues(rabbit.names, base);
  const proxy = await startTcpProxy(testServices().amqpUrl);
  const lines: { message: string; error?: string }[] = [];
  const log = createLogger('email-service', (line) => void lines.push(JSON.parse(line)));
  const broker = await connectBroker(proxy.url(), log);
  const worker = await startEmailWorker({ broker, pool, queue, deadLetterQueue, prefetch: 20, log });
  const app = createEmailApp({ pool, broker, consumer: worker, log });
  const ready = async () => (await request(app).get('/health/ready')).status;
  const stop = async () => {
    await worker.stop();
    await broker.close();
    await proxy.close();
  };
  return { queue, deadLetterQueue, proxy, worker, app, ready, lines, stop };
}

describe('a consumer that loses its connection or channel', () => {
  // #region reconnect-test
  it('re-attaches after every cut: nothing lost, nothing applied twice, 503 while detached', {
    timeout: 90_000,
  }, async () => {
    const TOTAL = 3_000;
    const service = await proxiedEmailService('cut');
    try {
      await publishMany(rabbit.channel, service.queue, TOTAL);
      // #region cuts
      for (const share of [0.2, 0.45, 0.7]) {
        await waitUntil(async () => (await count('SELECT count(*) FROM sent_emails')) >= TOTAL * share, `${share}`);
        // mid-stream: the broker and the network are gone until refuse(false)
        service.proxy.refuse(true);
        service.proxy.cutAll();
        await waitUntil(async () => (await consumers(service.queue)) === 0, 'the broker to drop the consumer');
        expect(await service.ready()).toBe(503);
        service.proxy.refuse(false);
        await waitUntil(async () => (await service.ready()) === 200, 'readiness back', 30_000);
        // Ready means consuming: the broker already counts the re-attached consumer.
        expect(await consumers(service.queue)).toBe(1);
      }
      // #endregion cuts
      await waitUntil(async () => (await count('SELECT count(*) FROM sent_emails')) >= TOTAL, 'every message', 60_000);
      await waitUntil(async () => (await depth(rabbit.channel, service.queue)) === 0, 'an empty queue');
      const rows = await pool.query(
        'SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM sent_emails',
      );
      expect(rows.rows[0]).toEqual({ total: TOTAL, distinct: TOTAL });
      expect(service.lines.filter((l) => l.message === 'confirmation email queued')).toHaveLength(TOTAL);
      expect(await depth(rabbit.channel, service.deadLetterQueue)).toBe(0);
      expect(service.proxy.accepted()).toBeGreaterThanOrEqual(4); // it did reconnect, three times
      // Each loss and each recovery of the connection is in the log, the loss with its cause.
      const lost = service.lines.filter((l) => l.message === 'broker connection lost');
      expect(lost.length).toBeGreaterThanOrEqual(3);
      expect(lost.every((l) => typeof l.error === 'string' && l.error.length > 0)).toBe(true);
      expect(service.lines.filter((l) => l.message === 'broker connected').length).toBeGreaterThanOrEqual(3);
    } finally {
      await service.stop();
    }
  });
  // #endregion reconnect-test

  it('a consumer the broker cancels (its queue deleted) re-declares the queue and consumes again', async () => {
    const service = await proxiedEmailService('cancelled');
    try {
      await rabbit.channel.deleteQueue(service.queue); // the broker cancels the consumer; the channel stays open
      await waitUntil(() => rabbit.exists(service.queue), 'the queue re-declared', 10_000);
      await publishMany(rabbit.channel, service.queue, 50);
      await waitUntil(
        async () => (await depth(rabbit.channel, service.queue)) === 0,
        'the new messages consumed',
        10_000,
      );
      expect(await consumers(service.queue)).toBe(1);
      expect(await service.ready()).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('readiness is 503 once the consumer has stopped, naming it', async () => {
    const service = await proxiedEmailService('stopped');
    expect(await service.ready()).toBe(200);
    await service.worker.stop();
    const res = await request(service.app).get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.checks.consumer).toMatch(/not consuming/);
    await service.stop();
  });
});
