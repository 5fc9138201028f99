import { testServices } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../src/broker.js';
import { EventBus, type SubscriberFailure } from '../src/event-bus.js';
import { type OrderCreatedEvent, publishOrderCreated, subscribeToOrders } from '../src/fanout.js';
import { createPublisher } from '../src/publisher.js';
import { pollUntil, useRabbit } from './amqp.js';
import { exited, killAllChildren, spawnFixture } from './children.js';

type Events = { 'order.created': { orderId: string } };

describe('in-process event bus', () => {
  afterAll(killAllChildren);

  it('NaiveEventBus: one failing subscriber is an unhandled rejection that kills the process', async () => {
    const result = await exited(spawnFixture('naive-event-bus-process.ts', {}));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/payment declined/);
  });

  it('EventBus: the failure is reported, the other subscribers still run, nothing escapes', async () => {
    const failures: SubscriberFailure[] = [];
    const bus = new EventBus<Events>((failure) => failures.push(failure));
    const seen: string[] = [];
    bus.subscribe('order.created', 'payment', () => {
      throw new Error('payment declined'); // synchronous throw: must not stop the loop either
    });
    bus.subscribe('order.created', 'inventory', async ({ orderId }) => void seen.push(orderId));
    const report = await bus.publish('order.created', { orderId: 'o-1' });
    expect(report).toMatchObject({ delivered: 1, failed: [{ subscriber: 'payment' }] });
    expect(failures).toEqual([expect.objectContaining({ event: 'order.created', subscriber: 'payment' })]);
    expect(seen).toEqual(['o-1']);
  });
});

describe('order.created over a RabbitMQ topic exchange', () => {
  const rabbit = useRabbit('fanout');
  let broker: Broker;
  beforeAll(async () => {
    broker = await connectBroker(testServices().amqpUrl);
  });
  afterAll(async () => broker?.close());

  it('every service gets every order; instances of one service share its queue', async () => {
    const exchange = rabbit.names.exchange('orders');
    const received = { payment: [] as string[], inventoryA: [] as string[], inventoryB: [] as string[] };
    const subscriber = (service: 'payment' | 'inventory', sink: string[]) =>
      subscribeToOrders(broker, {
        exchange,
        pattern: 'order.created',
        queue: rabbit.names.queue(service),
        deadLetterQueue: rabbit.names.queue(`${service}.dlq`),
        handle: async (event: OrderCreatedEvent) => void sink.push(event.orderId),
      });
    const consumers = [
      await subscriber('payment', received.payment),
      await subscriber('inventory', received.inventoryA),
      await subscriber('inventory', received.inventoryB),
    ];
    const publisher = createPublisher(broker);
    const orders = Array.from({ length: 100 }, (_, i) => ({ orderId: `o-${i}`, totalCents: 100 + i }));
    await Promise.all(orders.map((order) => publishOrderCreated(publisher, exchange, order)));
    // An event nobody binds to goes nowhere; the publisher need not know who listens.
    await publisher.publish(exchange, 'order.cancelled', { orderId: 'o-0' }, { messageId: 'cancel-0' });

    await pollUntil(
      async () => received,
      (r) => r.payment.length === 100 && r.inventoryA.length + r.inventoryB.length === 100,
    );
    expect(new Set(received.payment).size).toBe(100);
    expect(new Set([...received.inventoryA, ...received.inventoryB]).size).toBe(100); // each order once
    expect(received.inventoryA.length).toBeGreaterThan(0); // both instances took a share
    expect(received.inventoryB.length).toBeGreaterThan(0);
    const paymentDlq = await rabbit.channel.checkQueue(rabbit.names.queue('payment.dlq'));
    expect(paymentDlq.messageCount).toBe(0); // order.cancelled was never routed to the bindings
    for (const consumer of consumers) await consumer.stop();
    await publisher.close();
  });
});
