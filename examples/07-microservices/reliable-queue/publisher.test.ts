import { median } from '@cookbook/shared/bench';
import { startTcpProxy, testServices } from '@cookbook/shared/testing';
import amqp, { type ConfirmChannel } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { takeAll as take, useRabbit } from '../test/amqp.js';
import { naivePublish } from './naive-queue.js';

const rabbit = useRabbit('publisher');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxiedPublisher() {
  const proxy = await startTcpProxy(testServices().amqpUrl);
  const broker = await connectBroker(proxy.url());
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
    for (let i = 0; i < 20; i += 1) await naivePublish(proxy.url(), queue, { i });
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
    proxy.cutAll(); // ...when the network fails
    await reconnected;
    for (let i = total / 2; i < total; i += 1) sends.push(publish(i));
    await Promise.all(sends);
    expect(proxy.accepted()).toBe(2);
    const ids = new Set((await takeAll(queue, total)).map((m) => m.properties.messageId));
    expect(ids.size).toBe(total); // a resend may duplicate one; the consumer's messageId check absorbs it
  });

  // #region nagle-test
  it('TCP_NODELAY: a confirmed 4 KB publish costs a round trip, not a delayed ACK', async () => {
    const queue = rabbit.names.queue('nagle');
    await rabbit.channel.assertQueue(queue, { durable: true });
    const body = { text: 'x'.repeat(4096) }; // over 2 KB: amqplib writes its frames separately
    const timeEach = async (publish: () => Promise<void>) => {
      const times: number[] = [];
      for (let i = 0; i < 10; i += 1) {
        const start = performance.now();
        await publish();
        times.push(performance.now() - start);
      }
      return median(times);
    };
    const broker = await connectBroker(testServices().amqpUrl); // Nagle off
    const publisher = createPublisher(broker);
    cleanups.push(
      () => broker.close(),
      () => publisher.close(),
    );
    const fixed = await timeEach(() => publisher.publish('', queue, body, { messageId: 'fixed' }));
    const nagle = await amqp.connect(testServices().amqpUrl, { noDelay: false }); // amqplib's default
    cleanups.push(() => nagle.close());
    const channel: ConfirmChannel = await nagle.createConfirmChannel();
    const content = Buffer.from(JSON.stringify(body));
    const withNagle = await timeEach(
      () =>
        new Promise((resolve, reject) => channel.sendToQueue(queue, content, {}, (e) => (e ? reject(e) : resolve()))),
    );
    console.log(
      `confirmed 4 KB publish, median of 10: ${fixed.toFixed(2)} ms Nagle off, ${withNagle.toFixed(2)} ms on`,
    );
    expect(withNagle / fixed).toBeGreaterThan(3); // 7x to 50x here, loaded or idle
  });
  // #endregion nagle-test
});
