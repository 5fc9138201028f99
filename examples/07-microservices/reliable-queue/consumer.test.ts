import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import type { GetMessage } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../src/broker.js';
import { ATTEMPT_HEADER, REASON_HEADER, startConsumer } from '../src/consumer.js';
import { schemaPool } from '../src/db.js';
import { EMAIL_DDL, startEmailWorker } from '../src/email-service.js';
import { createLogger } from '../src/logger.js';
import { orderCreated, pollUntil, useRabbit } from './amqp.js';
import { exited, killAllChildren, spawnFixture } from './children.js';

const database = useTestDatabase('microservices_consumer');
const rabbit = useRabbit('consumer');
const quiet = createLogger('test', () => {});
let broker: Broker;
let pool: pg.Pool;

beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
  pool = schemaPool(database.url, 'email', 3);
  await pool.query(EMAIL_DDL);
});
afterAll(async () => {
  await killAllChildren();
  await broker?.close();
  await pool?.end();
});

function queues(base: string) {
  return { queue: rabbit.names.queue(base), deadLetterQueue: rabbit.names.queue(`${base}.dlq`) };
}

function send(queue: string, body: string | object, messageId?: string) {
  const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  rabbit.channel.sendToQueue(queue, content, { persistent: true, ...(messageId ? { messageId } : {}) });
  return rabbit.channel.waitForConfirms();
}

async function drain(queue: string, expected: number): Promise<GetMessage[]> {
  await pollUntil(
    async () => (await rabbit.channel.checkQueue(queue)).messageCount,
    (n) => n >= expected,
  );
  const messages: GetMessage[] = [];
  for (
    let got = await rabbit.channel.get(queue, { noAck: true });
    got;
    got = await rabbit.channel.get(queue, { noAck: true })
  ) {
    messages.push(got);
  }
  return messages;
}

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
    await pollUntil(
      async () => handled,
      (h) => h.includes('m-good'),
    );
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
      maxAttempts: 3,
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
    await pollUntil(
      async () => attempts.get('recovers'),
      (n) => n === 2,
    );
    await consumer.stop();
  });

  it('the same event delivered twice is applied once', async () => {
    const names = queues('duplicates');
    const worker = await startEmailWorker({ broker, pool, ...names, log: quiet });
    const event = orderCreated();
    for (let i = 0; i < 3; i += 1) await send(names.queue, event, `dup-${event.orderId}`);
    await pollUntil(
      async () => (await rabbit.channel.checkQueue(names.queue)).messageCount,
      (n) => n === 0,
    );
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
      const child = spawnFixture('naive-consumer-process.ts', { AMQP_URL: testServices().amqpUrl, QUEUE: queue });
      const result = await exited(child);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/SyntaxError.*"not json" is not valid JSON/);
    }
    // Never acked: it is back in the queue, waiting to crash the next consumer.
    await pollUntil(
      async () => (await rabbit.channel.checkQueue(queue)).messageCount,
      (n) => n === 1,
    );
  });
});
