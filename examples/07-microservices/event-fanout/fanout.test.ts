import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { type OrderCreated, publishOrderCreated } from '../events/order-created.js';
import { consumerQueues, depth, orderCreated, useRabbit } from '../test/amqp.js';
import { subscribeToOrders } from './fanout.js';

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
        ...consumerQueues(rabbit.names, service),
        handle: async (event: OrderCreated) => void sink.push(event.orderId),
      });
    const consumers = [
      await subscriber('payment', received.payment),
      await subscriber('inventory', received.inventoryA),
      await subscriber('inventory', received.inventoryB),
    ];
    const publisher = createPublisher(broker);
    const orders = Array.from({ length: 100 }, (_, i) => orderCreated({ totalCents: 100 + i }));
    await Promise.all(orders.map((order) => publishOrderCreated(publisher, exchange, order)));
    // An event nobody binds to goes nowhere; the publisher need not know who listens.
    const cancelled = orders[0]?.orderId;
    await publisher.publish(exchange, 'order.cancelled', { orderId: cancelled }, { messageId: `cancel-${cancelled}` });

    await waitUntil(
      () => received.payment.length === 100 && received.inventoryA.length + received.inventoryB.length === 100,
      'every order at payment and at inventory',
    );
    expect(new Set(received.payment).size).toBe(100);
    expect(new Set([...received.inventoryA, ...received.inventoryB]).size).toBe(100); // each order once
    expect(received.inventoryA.length).toBeGreaterThan(0); // both instances took a share
    expect(received.inventoryB.length).toBeGreaterThan(0);
    // order.cancelled was never routed to the bindings
    expect(await depth(rabbit.channel, rabbit.names.queue('payment.dlq'))).toBe(0);
    for (const consumer of consumers) await consumer.stop();
    await publisher.close();
  });
});
