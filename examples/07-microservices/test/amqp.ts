import { randomUUID } from 'node:crypto';
import { deleteRabbitNames, type RabbitNames, rabbitNames, testServices } from '@cookbook/shared/testing';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';

/** A plain connection for the test itself (arrange, inspect, clean up) and this file's queue names. */
export function useRabbit(label: string): { names: RabbitNames; readonly channel: ConfirmChannel } {
  const names = rabbitNames(label);
  let connection: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  beforeAll(async () => {
    connection = await amqp.connect(testServices().amqpUrl);
    channel = await connection.createConfirmChannel();
  });
  afterAll(async () => {
    if (channel) await deleteRabbitNames(channel, names);
    await connection?.close();
  });
  return {
    names,
    get channel() {
      if (!channel) throw new Error('useRabbit().channel is only available inside hooks and tests');
      return channel;
    },
  };
}

/** An order.created event as order-service publishes it. */
export function orderCreated(overrides: Record<string, unknown> = {}) {
  return { orderId: randomUUID(), userId: 1, email: 'ada@example.com', totalCents: 1200, ...overrides };
}

/** Publishes `count` messages, waiting for the broker's confirms once per batch instead of per message. */
export async function publishMany(channel: ConfirmChannel, queue: string, count: number, batch = 500) {
  for (let sent = 0; sent < count; ) {
    for (const end = Math.min(count, sent + batch); sent < end; sent += 1) {
      const event = orderCreated();
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.orderId });
    }
    await channel.waitForConfirms();
  }
}

/** Polls `read` until `done` holds, failing after `timeoutMs` with the last value seen. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  everyMs = 50,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
