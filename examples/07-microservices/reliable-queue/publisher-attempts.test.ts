import { startTcpProxy, testServices } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { withCorrelationId } from '../correlation/correlation.js';
import { takeAll, useRabbit } from '../test/amqp.js';

const rabbit = useRabbit('publisher-attempts');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxiedPublisher(attempts?: number) {
  const proxy = await startTcpProxy(testServices().amqpUrl);
  const broker = await connectBroker(proxy.url());
  const publisher = createPublisher(broker, attempts === undefined ? {} : { attempts });
  cleanups.push(
    () => proxy.close(),
    () => broker.close(),
    () => publisher.close(),
  );
  return { proxy, broker, publisher };
}

describe('publisher', () => {
  it('labels each message: JSON, its id, the caller correlation id, a timestamp and the headers given', async () => {
    const queue = rabbit.names.queue('labels');
    await rabbit.channel.assertQueue(queue, { durable: true });
    const { publisher } = await proxiedPublisher();
    const before = Math.floor(Date.now() / 1000);
    await withCorrelationId('req-42', () =>
      publisher.publish(
        '',
        queue,
        { orderId: 'o-1' },
        { messageId: 'order.created:o-1', headers: { 'x-tenant': 'acme' } },
      ),
    );
    const after = Math.ceil(Date.now() / 1000);
    const [message] = await takeAll(rabbit.channel, queue, 1);
    expect(JSON.parse(message?.content.toString() ?? '')).toEqual({ orderId: 'o-1' });
    expect(message?.properties).toMatchObject({
      contentType: 'application/json',
      messageId: 'order.created:o-1',
      correlationId: 'req-42',
      deliveryMode: 2,
      headers: { 'x-tenant': 'acme' },
    });
    // AMQP timestamps are whole seconds since the epoch.
    expect(message?.properties.timestamp).toBeGreaterThanOrEqual(before);
    expect(message?.properties.timestamp).toBeLessThanOrEqual(after);
  });

  it('a publish the broker keeps refusing fails after its attempts instead of looping', async () => {
    const { publisher } = await proxiedPublisher(3);
    // Publishing to a missing exchange is a channel error: every attempt is refused.
    const exchange = `missing-${process.pid}-${Date.now()}`;
    await expect(publisher.publish(exchange, 'k', {}, { messageId: 'm' })).rejects.toThrow(/NOT_FOUND|closed/);
  });

  /** Publishes m-2 with the connection cut before its confirm, then m-3 once reconnected. */
  async function cutOffPublish(attempts: number) {
    const queue = rabbit.names.queue(`attempts-${attempts}`);
    await rabbit.channel.assertQueue(queue, { durable: true });
    const { proxy, broker, publisher } = await proxiedPublisher(attempts);
    await publisher.publish('', queue, { n: 1 }, { messageId: 'm-1' }); // the channel is attached
    proxy.holdUpstream(); // the next publish never reaches the broker...
    const cutOff = publisher.publish('', queue, { n: 2 }, { messageId: 'm-2' });
    const reconnected = new Promise((resolve) => broker.once('connect', resolve));
    proxy.cutAll(); // ...and its connection drops before a confirm
    proxy.releaseUpstream();
    const outcome = await cutOff.then(
      () => 'sent',
      () => 'refused',
    );
    await reconnected;
    await publisher.publish('', queue, { n: 3 }, { messageId: 'm-3' }); // the publisher itself recovered
    const ids = (await takeAll(rabbit.channel, queue, outcome === 'sent' ? 3 : 2)).map((m) => m.properties.messageId);
    return { outcome, ids };
  }

  it('with attempts: 1, a publish cut off by the network is refused, not sent again', async () => {
    expect(await cutOffPublish(1)).toEqual({ outcome: 'refused', ids: ['m-1', 'm-3'] });
  });

  it('with attempts: 2, the one resend goes out on the recovered connection, not the dead one', async () => {
    const { outcome, ids } = await cutOffPublish(2);
    expect(outcome).toBe('sent');
    expect([...ids].sort()).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('close() closes its channel: a publish after it is refused, and nothing reaches the queue', async () => {
    const queue = rabbit.names.queue('after-close');
    await rabbit.channel.assertQueue(queue, { durable: true });
    const { publisher } = await proxiedPublisher();
    await publisher.publish('', queue, { n: 1 }, { messageId: 'before-close' });
    await publisher.close();
    await expect(publisher.publish('', queue, { n: 2 }, { messageId: 'after-close' })).rejects.toThrow(
      'channel closed by its owner',
    );
    const ids = (await takeAll(rabbit.channel, queue, 1)).map((m) => m.properties.messageId);
    expect(ids).toEqual(['before-close']);
  });
});
