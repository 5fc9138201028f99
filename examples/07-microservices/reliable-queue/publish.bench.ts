// Publishing N messages: a connection per message (the Q&A) vs one long-lived confirm channel.
import { randomBytes } from 'node:crypto';
import { resolveServices } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import amqp from 'amqplib';
import { connectBroker } from '../broker/connection.js';
import { createPublisher } from '../broker/publisher.js';
import { naivePublish } from './naive-queue.js';

const services = await resolveServices(['rabbitmq']);
const url = services.amqpUrl as string;
const queue = `bench.microservices.${randomBytes(3).toString('hex')}.publish`;
const admin = await amqp.connect(url, { noDelay: true });
const channel = await admin.createConfirmChannel();
await channel.assertQueue(queue, { durable: true });

async function rate(count: number, run: (count: number) => Promise<void>): Promise<number> {
  await channel.purgeQueue(queue);
  const start = performance.now();
  await run(count);
  return count / ((performance.now() - start) / 1000);
}

const payload = { orderId: 'o-1', email: 'ada@example.com', totalCents: 1200 };
const broker = await connectBroker(url);
const publisher = createPublisher(broker);
try {
  const naive = await rate(100, async (n) => {
    for (let i = 0; i < n; i += 1) await naivePublish(url, queue, payload);
  });
  const awaited = await rate(2_000, async (n) => {
    for (let i = 0; i < n; i += 1) await publisher.publish('', queue, payload, { messageId: `a${i}` });
  });
  const concurrent = await rate(20_000, async (n) => {
    // Many publishes in flight at once, each still resolved by its own broker confirm.
    for (let i = 0; i < n; i += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, j) => publisher.publish('', queue, payload, { messageId: `c${i + j}` })),
      );
    }
  });
  reportBench(
    'publish',
    markdownTable(
      ['publisher', 'messages', 'messages/s', 'vs connection per message'],
      [
        ['connection + channel per message, no confirm (Q&A)', 100, naive, '1x'],
        ['one connection, confirm channel, await each publish', 2_000, awaited, ratio(awaited, naive)],
        ['one connection, confirm channel, 1,000 publishes in flight', 20_000, concurrent, ratio(concurrent, naive)],
      ],
      0,
    ),
  );

  // TCP_NODELAY: a message over ~2 KB leaves amqplib in several writes, and with Nagle on the
  // later ones wait for the broker's delayed ACK. connectBroker turns Nagle off.
  const large = { ...payload, note: 'x'.repeat(4096) };
  const nagle = await amqp.connect(url, { noDelay: false }); // amqplib's default
  const nagleChannel = await nagle.createConfirmChannel();
  const content = Buffer.from(JSON.stringify(large));
  const withNagle = await rate(100, async (n) => {
    for (let i = 0; i < n; i += 1) {
      await new Promise<void>((resolve, reject) =>
        nagleChannel.sendToQueue(queue, content, { persistent: true }, (error) => (error ? reject(error) : resolve())),
      );
    }
  });
  await nagle.close();
  const noDelay = await rate(1_000, async (n) => {
    for (let i = 0; i < n; i += 1) await publisher.publish('', queue, large, { messageId: `l${i}` });
  });
  reportBench(
    'publish-nodelay',
    markdownTable(
      ['confirm channel, await each 4 KB publish', 'messages', 'messages/s', 'ms per publish', 'vs Nagle on'],
      [
        ['Nagle on (amqplib default)', 100, withNagle, 1000 / withNagle, '1x'],
        ['noDelay: true (connectBroker)', 1_000, noDelay, 1000 / noDelay, ratio(noDelay, withNagle)],
      ],
      1,
    ),
  );
} finally {
  await publisher.close();
  await broker.close();
  await channel.deleteQueue(queue);
  await admin.close();
  await services.stop();
}
