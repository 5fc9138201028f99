import { randomUUID } from 'node:crypto';
import { deleteRabbitNames, rabbitNames, recipe } from '@cookbook/shared';
import { connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { DEFAULT_RETRY_DELAYS_MS, retryQueueName } from '../broker/retry.js';
import { type OrderCreated, publishOrderCreated } from '../events/order-created.js';
import { EventBus } from './event-bus.js';
import { subscribeToOrders } from './fanout.js';

export const eventFanoutDemo = recipe({
  services: ['rabbitmq'],
  title: 'Events: an isolated in-process bus, then a topic exchange',
  lookFor: 'the failing subscriber reported, not fatal; each service receives each order, unnamed by the publisher.',
  async run({ urls, log, defer }) {
    const bus = new EventBus<{ 'order.created': { orderId: string } }>((failure) =>
      log(`in-process bus: "${failure.subscriber}" failed (${(failure.error as Error).message}): reported, no crash`),
    );
    bus.subscribe('order.created', 'payment', async () => {
      throw new Error('card declined');
    });
    bus.subscribe('order.created', 'inventory', async ({ orderId }) =>
      log(`in-process bus: inventory reserved for ${orderId}`),
    );
    const report = await bus.publish('order.created', { orderId: 'o-1' });
    log(`in-process bus: publish resolved with ${report.delivered} delivered, ${report.failed.length} failed`);

    const names = rabbitNames('event_fanout');
    const exchange = names.exchange('orders');
    const broker = await connectBroker(urls.amqpUrl);
    defer(() => broker.close());
    const admin = await broker.createChannel();
    defer(() => deleteRabbitNames(admin, names));
    const publisher = createPublisher(broker);
    defer(() => publisher.close());

    const queueOf = (service: string) => {
      for (const delayMs of DEFAULT_RETRY_DELAYS_MS) names.queue(retryQueueName(service, delayMs)); // to clean up
      return names.queue(service);
    };
    const seen: string[] = [];
    let resolve = () => {};
    const allSeen = new Promise<void>((done) => {
      resolve = done;
    });
    const consumers = await Promise.all(
      ['payment', 'inventory'].map((service) =>
        subscribeToOrders(broker, {
          exchange,
          pattern: 'order.created',
          queue: queueOf(service),
          deadLetterQueue: names.queue(`${service}.dlq`),
          handle: async (event) => {
            seen.push(`${service} got ${event.orderId.slice(0, 8)}`);
            if (seen.length === 4) resolve();
          },
        }),
      ),
    );
    for (let i = 0; i < 2; i += 1) {
      const order: OrderCreated = { orderId: randomUUID(), userId: 1, email: 'ada@example.com', totalCents: 999 };
      await publishOrderCreated(publisher, exchange, order);
    }
    await allSeen;
    log(`topic exchange, one queue per service: ${seen.sort().join(', ')}`);
    for (const consumer of consumers) await consumer.stop();
  },
});
