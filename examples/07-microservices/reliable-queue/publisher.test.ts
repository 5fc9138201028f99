import { testServices } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { takeAll as take, useRabbit } from '../test/amqp.js';
import { startTcpProxy } from '../test/tcp-proxy.js';
import { naivePublish } from './naive-queue.js';

const rabbit = useRabbit('publisher');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxiedPublisher() {
  const proxy = await startTcpProxy(testServices().amqpUrl);
  const broker = await connectBroker(proxy.url);
  const publisher = createPublisher(broker);
  cleanups.push(
    () => proxy.close(),
    () => broker.close(),
    () => publisher.close(),
  );
  return { proxy, broker, publisher };
}

const takeAll = (queue: string, expected: number) => take(rabbit.channel, queue, expected);

describe('publisher', () => {
  it('sends every message over one long-lived connection, persistent and confirmed', async () => {
    const queue = rabbit.names.queue('one-connection');
    await rabbit.channel.assertQueue(queue, { durable: true });
    const { proxy, publisher } = await proxiedPublisher();
    for (let i = 0; i < 20; i += 1) await publisher.publish('', queue, { i }, { messageId: `m${i}` });
    expect(proxy.accepted()).toBe(1);
    const messages = await takeAll(queue, 20);
    expect(messages).toHaveLength(20);
    expect(messages.every((m) => m.properties.deliveryMode === 2)).toBe(true);
  });

  it('naivePublish: a connection per message, and the message is not persistent', async () => {
    const queue = rabbit.names.queue('naive');
    const proxy = await startTcpProxy(testServices().amqpUrl);
    cleanups.push(() => proxy.close());
    for (let i = 0; i < 20; i += 1) await naivePublish(proxy.url, queue, { i });
    expect(proxy.accepted()).toBe(20);
    const messages = await takeAll(queue, 20);
    expect(messages.some((m) => m.properties.deliveryMode === 2)).toBe(false); // lost if the broker restarts
  });

  it('keeps publishing across a dropped connection: every message arrives', async () => {
    const queue = rabbit.names.queue('reconnect');
    await rabbit.channel.assertQueue(queue, { durable: true });
    const { proxy, broker, publisher } = await proxiedPublisher();
    const total = 200;
    const publish = (i: number) => publisher.publish('', queue, { i }, { messageId: `m${i}` });
    const sends = Array.from({ length: total / 2 }, (_, i) => publish(i));
    await sends[0]; // the channel is open and the rest of the first half is in flight...
    const reconnected = new Promise((resolve) => broker.once('connect', resolve));
    proxy.dropAll(); // ...when the network fails
    await reconnected;
    for (let i = total / 2; i < total; i += 1) sends.push(publish(i));
    await Promise.all(sends);
    expect(proxy.accepted()).toBe(2);
    const ids = new Set((await takeAll(queue, total)).map((m) => m.properties.messageId));
    expect(ids.size).toBe(total); // a resend may duplicate one; the consumer's messageId check absorbs it
  });
});
