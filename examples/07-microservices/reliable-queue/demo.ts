import { connectBroker } from './broker.js';
import { REASON_HEADER, startConsumer } from './consumer.js';
import { demoId, waitFor } from './demo-util.js';
import { EventBus } from './event-bus.js';
import { publishOrderCreated, subscribeToOrders } from './fanout.js';
import { createPublisher } from './publisher.js';

export async function reliableQueueDemo(amqpUrl: string): Promise<void> {
  const id = demoId();
  const names = { queue: `${id}.emails`, deadLetterQueue: `${id}.emails.dlq` };
  const broker = await connectBroker(amqpUrl);
  const admin = await broker.createConfirmChannel();
  try {
    const consumer = await startConsumer(broker, {
      ...names,
      prefetch: 10,
      parse: (body) => body as { to?: string },
      handle: async (body, { messageId, attempt }) => {
        if (messageId === 'flaky' && attempt < 2) throw new Error('SMTP timeout');
        console.log(`handled ${messageId} (attempt ${attempt}) → email to ${body.to}`);
      },
    });
    const send = (messageId: string | undefined, body: string) =>
      admin.sendToQueue(names.queue, Buffer.from(body), { persistent: true, ...(messageId ? { messageId } : {}) });
    send('welcome-1', '{"to":"ada@example.com"}');
    send('flaky', '{"to":"grace@example.com"}');
    send('broken', '{"to": oops');
    send(undefined, '{"to":"nobody@example.com"}');
    await admin.waitForConfirms();
    let dead = 0;
    await waitFor(async () => {
      const message = await admin.get(names.deadLetterQueue, { noAck: true });
      if (message) {
        dead += 1;
        console.log(
          `dead-lettered ${message.properties.messageId ?? '(no id)'}: ${message.properties.headers?.[REASON_HEADER]}`,
        );
      }
      return dead === 2;
    }, 'two dead letters');
    console.log('Look for: the flaky message retried once and succeeded; the poison ones parked with a reason.');
    await consumer.stop();
  } finally {
    await admin.deleteQueue(names.queue).catch(() => {});
    await admin.deleteQueue(names.deadLetterQueue).catch(() => {});
    await broker.close();
  }
}

export async function eventFanoutDemo(amqpUrl: string): Promise<void> {
  const bus = new EventBus<{ 'order.created': { orderId: string } }>((f) =>
    console.log(
      `in-process bus: subscriber "${f.subscriber}" failed (${(f.error as Error).message}): reported, nothing crashed`,
    ),
  );
  bus.subscribe('order.created', 'payment', async () => {
    throw new Error('card declined');
  });
  bus.subscribe('order.created', 'inventory', async ({ orderId }) =>
    console.log(`in-process bus: inventory reserved for ${orderId}`),
  );
  const report = await bus.publish('order.created', { orderId: 'o-1' });
  console.log(`in-process bus: publish resolved with ${report.delivered} delivered, ${report.failed.length} failed`);

  const id = demoId();
  const broker = await connectBroker(amqpUrl);
  const publisher = createPublisher(broker);
  const admin = await broker.createChannel();
  const seen: string[] = [];
  try {
    const consumers = await Promise.all(
      ['payment', 'inventory'].map((service) =>
        subscribeToOrders(broker, {
          exchange: `${id}.orders`,
          pattern: 'order.created',
          queue: `${id}.${service}`,
          deadLetterQueue: `${id}.${service}.dlq`,
          handle: async (event) => void seen.push(`${service} got ${event.orderId}`),
        }),
      ),
    );
    for (const orderId of ['o-2', 'o-3'])
      await publishOrderCreated(publisher, `${id}.orders`, { orderId, totalCents: 999 });
    await waitFor(() => seen.length === 4, 'both services to receive both orders');
    console.log(`topic exchange, one queue per service: ${seen.sort().join(', ')}`);
    console.log('Look for: each service receives each order; the publisher never named them.');
    for (const consumer of consumers) await consumer.stop();
  } finally {
    for (const s of ['payment', 'inventory'])
      for (const q of [s, `${s}.dlq`]) await admin.deleteQueue(`${id}.${q}`).catch(() => {});
    await admin.deleteExchange(`${id}.orders`).catch(() => {});
    await publisher.close();
    await broker.close();
  }
}
