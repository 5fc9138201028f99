import { spawnFixture, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { ATTEMPT_HEADER } from '../broker/retry.js';
import { createLogger } from '../correlation/logger.js';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { consumerQueues, depth, orderCreated, takeAll, useRabbit } from '../test/amqp.js';
import { EMAIL_DDL, startEmailWorker } from './email-service.js';

const database = useTestDatabase('microservices_consumer');
const rabbit = useRabbit('consumer');
const quiet = createLogger('test', () => {});
let broker: Broker;
let pool: pg.Pool;

beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
  pool = database.pool(schemaPoolConfig('email', 3));
  await pool.query(EMAIL_DDL);
});
afterAll(async () => {
  await broker?.close();
});

const queues = (base: string) => consumerQueues(rabbit.names, base, [20, 50]);

function send(queue: string, body: string | object, messageId?: string) {
  const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  rabbit.channel.sendToQueue(queue, content, { persistent: true, ...(messageId ? { messageId } : {}) });
  return rabbit.channel.waitForConfirms();
}

const drain = (queue: string, expected: number) => takeAll(rabbit.channel, queue, expected);

describe('reliable consumer', () => {
  it('dead-letters poison messages with the reason, and keeps processing the good ones', async () => {
    const names = queues('poison');
    const handled: string[] = [];
    const consumer = await startConsumer(broker, {
      ...names,
      parse: (body) => body as { orderId: string },
      handle: async (_event, { messageId }) => void handled.push(messageId),
    });
    await send(names.queue, '{"orderId": "not json', 'm-bad-json');
    await send(names.queue, orderCreated(), undefined);
    await send(names.queue, { orderId: 'ok' }, 'm-good');
    const dead = await drain(names.deadLetterQueue, 2);
    const reasons = dead.map((m) => String(m.properties.headers?.[REASON_HEADER]));
    expect(reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/not valid JSON/), 'messageId property is missing']),
    );
    await waitUntil(() => handled.includes('m-good'), 'the good message to be handled');
    await consumer.stop();
  });

  it('a field that fails validation is named in the dead-letter reason', async () => {
    const names = queues('invalid');
    const worker = await startEmailWorker({ broker, pool, ...names, log: quiet });
    await send(names.queue, orderCreated({ email: 'nobody' }), 'm-invalid');
    const [dead] = await drain(names.deadLetterQueue, 1);
    expect(dead?.properties.headers?.[REASON_HEADER]).toBe('field "email" must be an email address');
    expect(dead?.properties.messageId).toBe('m-invalid');
    await worker.stop();
  });

  it('retries a transient failure a bounded number of times, then dead-letters it', async () => {
    const names = queues('transient');
    const attempts = new Map<string, number>();
    const consumer = await startConsumer(broker, {
      ...names,
      parse: (body) => body,
      handle: async (_body, { messageId, attempt }) => {
        attempts.set(messageId, attempt);
        if (messageId === 'always-fails' || attempt < 2) throw new Error('payment provider timed out');
      },
    });
    await send(names.queue, {}, 'recovers');
    await send(names.queue, {}, 'always-fails');
    const [dead] = await drain(names.deadLetterQueue, 1);
    expect(dead?.properties.messageId).toBe('always-fails');
    expect(dead?.properties.headers?.[REASON_HEADER]).toBe('gave up after 3 attempts: payment provider timed out');
    expect(dead?.properties.headers?.[ATTEMPT_HEADER]).toBe(3);
    await waitUntil(() => attempts.get('recovers') === 2, 'the second attempt to succeed');
    await consumer.stop();
  });

  it('the same event delivered twice is applied once', async () => {
    const names = queues('duplicates');
    const worker = await startEmailWorker({ broker, pool, ...names, log: quiet });
    const event = orderCreated();
    for (let i = 0; i < 3; i += 1) await send(names.queue, event, `dup-${event.orderId}`);
    await waitUntil(async () => (await depth(rabbit.channel, names.queue)) === 0, 'an empty queue');
    await worker.stop(); // waits for in-flight handlers
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM sent_emails WHERE order_id = $1', [
      event.orderId,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('naiveConsume: one poison message crashes every consumer that receives it', { timeout: 30_000 }, async () => {
    const queue = rabbit.names.queue('naive');
    await rabbit.channel.assertQueue(queue);
    await send(queue, 'not json', 'poison');
    for (let run = 1; run <= 2; run += 1) {
      const child = spawnFixture(new URL('./test/naive-consumer-process.ts', import.meta.url), {
        env: { AMQP_URL: testServices().amqpUrl, QUEUE: queue },
      });
      expect(await child.exited).not.toBe(0);
      const stderr = await waitUntil(() => child.errors.join('\n').match(/SyntaxError.*"not json".*/), 'the crash');
      expect(stderr[0]).toMatch(/SyntaxError.*"not json" is not valid JSON/);
    }
    // Never acked: it is back in the queue, waiting to crash the next consumer.
    await waitUntil(async () => (await depth(rabbit.channel, queue)) === 1, 'the poison message back in the queue');
  });
});
