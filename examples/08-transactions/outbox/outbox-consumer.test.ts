import { once } from 'node:events';
import { deleteRabbitNames, rabbitNames, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { consumeOrderPlaced, declareOrderTopology, type OrderPlacedHandler } from './outbox-consumer.js';

const database = useTestDatabase('outbox_consumer');
const names = rabbitNames('transactions_consumer');
const exchange = names.exchange('orders');
const queue = names.queue('loyalty');
let pool: pg.Pool;
let connection: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  pool = database.pool({ max: 2 });
  connection = await amqp.connect(testServices().amqpUrl);
  channel = await connection.createChannel();
  await declareOrderTopology(channel, exchange, queue);
});

afterAll(async () => {
  if (channel) await deleteRabbitNames(channel, names);
  await connection?.close();
});

beforeEach(() => channel.purgeQueue(queue));

const queued = async () => (await channel.checkQueue(queue)).messageCount;
/** What the relay sends: an order.placed event whose message id is its event id. */
const publish = (eventId: string, to = exchange) =>
  channel.publish(to, 'order.placed', Buffer.from(JSON.stringify({ orderId: 1, customerId: 1, totalCents: 100 })), {
    messageId: eventId,
  });

describe('outbox consumer', () => {
  it('a delivery whose handler keeps failing is requeued once, then rejected, so it cannot spin forever', async () => {
    publish('e-1');
    let attempts = 0;
    const failing: OrderPlacedHandler = async () => {
      attempts++;
      throw new Error('loyalty database down');
    };
    const tag = await consumeOrderPlaced(pool, channel, queue, failing);
    await waitUntil(async () => attempts === 2 && (await queued()) === 0, 'a requeue, then a rejection');
    await channel.cancel(tag);
    expect(attempts).toBe(2);
  });

  it('rejecting one delivery leaves the others in flight alone', async () => {
    const consumer = await connection.createChannel();
    const tries: Record<string, number> = { slow: 0, poison: 0 };
    const handler: OrderPlacedHandler = async (_pool, eventId) => {
      tries[eventId] = (tries[eventId] ?? 0) + 1;
      if (eventId === 'poison') throw new Error('cannot apply');
      // Still being handled while the poison message is rejected twice.
      await waitUntil(() => tries.poison === 2, 'the poison message to be tried twice');
    };
    const handled: string[] = [];
    publish('slow');
    publish('poison');
    await consumeOrderPlaced(pool, consumer, queue, handler, (eventId) => void handled.push(eventId));
    await waitUntil(() => handled.length === 1 && tries.poison === 2, 'slow handled, poison rejected');
    await consumer.close();
    expect(tries).toEqual({ slow: 1, poison: 2 });
    expect(await queued()).toBe(0);
  });

  it('a consumer whose queue is deleted under it is cancelled quietly, and its channel goes on working', async () => {
    const gone = names.queue('deleted');
    await channel.assertQueue(gone);
    const consumer = await connection.createChannel();
    await consumeOrderPlaced(pool, consumer, gone, async () => {});
    const cancelled = once(consumer, 'cancel');
    await channel.deleteQueue(gone);
    await cancelled;
    expect((await consumer.checkQueue(queue)).queue).toBe(queue);
    await consumer.close();
  });

  it('declares its exchange and queue durable: declaring them durable again agrees', async () => {
    // A non-durable queue or exchange would be refused here (406) and lost on a broker restart.
    const probe = await connection.createChannel();
    await probe.assertExchange(exchange, 'topic', { durable: true });
    await probe.assertQueue(queue, { durable: true });
    await probe.close();
  });
});
