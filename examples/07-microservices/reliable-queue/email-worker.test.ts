import { testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type { ChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { orderCreatedMessageId } from '../events/order-created.js';
import { consumerQueues, depth, orderCreated, useRabbit } from '../test/amqp.js';
import { recordingLog } from '../test/recording-log.js';
import { EMAIL_DDL, startEmailWorker } from './email-service.js';
import { naiveConsume } from './naive-queue.js';

const database = useTestDatabase('microservices_email_worker');
const rabbit = useRabbit('email-worker');
let broker: Broker;
let pool: pg.Pool;

beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
  pool = database.pool(schemaPoolConfig('email', 3));
  await pool.query(EMAIL_DDL);
});
afterAll(async () => broker?.close());

describe('the email worker', () => {
  it('queues one confirmation per order, and logs each repeat of the event as a duplicate', async () => {
    const names = consumerQueues(rabbit.names, 'emails', [20]);
    const { log, fieldsOf } = recordingLog();
    const worker = await startEmailWorker({ broker, pool, ...names, log });
    const event = orderCreated({ email: 'grace@example.com' });
    const messageId = orderCreatedMessageId(event.orderId);
    for (let i = 0; i < 3; i += 1) {
      rabbit.channel.sendToQueue(names.queue, Buffer.from(JSON.stringify(event)), { messageId });
    }
    await waitUntil(() => fieldsOf('duplicate event ignored').length === 2, 'both repeats absorbed');
    await worker.stop();
    expect(fieldsOf('confirmation email queued')).toEqual([{ orderId: event.orderId, redelivered: false }]);
    const { rows } = await pool.query('SELECT message_id, recipient, subject FROM sent_emails WHERE order_id = $1', [
      event.orderId,
    ]);
    expect(rows).toEqual([
      {
        message_id: messageId,
        recipient: 'grace@example.com',
        subject: `Your order ${event.orderId.slice(0, 8)} is confirmed`,
      },
    ]);
  });
});

describe('naiveConsume', () => {
  it('hands each body to the handler and acks it after the work; a cancel is no message', async () => {
    const queue = rabbit.names.queue('naive-ok');
    const url = testServices().amqpUrl;
    const bodies: unknown[] = [];
    const first = await naiveConsume(url, queue, async (body) => void bodies.push(body));
    for (const n of [1, 2, 3]) rabbit.channel.sendToQueue(queue, Buffer.from(JSON.stringify({ n })));
    await waitUntil(() => bodies.length === 3, 'three bodies handled');
    await first.close(); // an unacked message would go back to the queue now
    expect(bodies).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await depth(rabbit.channel, queue)).toBe(0);

    const second: ChannelModel = await naiveConsume(url, queue, async (body) => void bodies.push(body));
    try {
      // Deleting the queue cancels the consumer: amqplib calls back with null, which it must skip.
      await rabbit.channel.deleteQueue(queue);
      await rabbit.channel.assertQueue(queue);
      rabbit.channel.sendToQueue(queue, Buffer.from('{"n":4}'));
      expect(await depth(rabbit.channel, queue)).toBe(1); // nobody consumes it: the naive consumer is gone
      expect(bodies).toHaveLength(3);
    } finally {
      await second.close();
    }
  });
});
