import { randomUUID } from 'node:crypto';
import { deleteRabbitNames, type RabbitNames, rabbitNames, testServices, waitUntil } from '@cookbook/shared/testing';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_RETRY_DELAYS_MS, retryQueueName } from '../broker/retry.js';
import { type OrderCreated, orderCreatedMessageId } from '../events/order-created.js';

/** A plain connection for the test itself (arrange, inspect, clean up) and this file's queue names. */
export function useRabbit(label: string): {
  names: RabbitNames;
  readonly channel: ConfirmChannel;
  /** Whether `queue` exists, asked on a throwaway channel (a failed check closes the channel it ran on). */
  exists(queue: string): Promise<boolean>;
} {
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
    async exists(queue) {
      if (!connection) throw new Error('useRabbit().exists is only available inside hooks and tests');
      const probe = await connection.createChannel();
      probe.on('error', () => {});
      const found = await probe.checkQueue(queue).then(
        () => true,
        () => false,
      );
      if (found) await probe.close();
      return found;
    },
  };
}

/**
 * A consumer's queue, dead-letter queue and retry delays under this file's names. The retry queues
 * the consumer declares are registered too, so the file's cleanup deletes them.
 */
export function consumerQueues(
  names: RabbitNames,
  base: string,
  retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
) {
  for (const delayMs of retryDelaysMs) names.queue(retryQueueName(base, delayMs));
  return { queue: names.queue(base), deadLetterQueue: names.queue(`${base}.dlq`), retryDelaysMs };
}

/** An order.created event as order-service publishes it. */
export function orderCreated(overrides: Partial<OrderCreated> = {}): OrderCreated {
  return { orderId: randomUUID(), userId: 1, email: 'ada@example.com', totalCents: 1200, ...overrides };
}

/** Publishes `count` order events (resolving with their message ids), waiting for the broker's confirms once per batch instead of per message. */
export async function publishMany(channel: ConfirmChannel, queue: string, count: number, batch = 500) {
  const ids: string[] = [];
  for (let sent = 0; sent < count; ) {
    for (const end = Math.min(count, sent + batch); sent < end; sent += 1) {
      const event = orderCreated();
      const messageId = orderCreatedMessageId(event.orderId);
      ids.push(messageId);
      channel.sendToQueue(queue, Buffer.from(JSON.stringify(event)), { persistent: true, messageId });
    }
    await channel.waitForConfirms();
  }
  return ids;
}

/** Takes every message now in `queue` (acknowledged), once at least `expected` are there. */
export async function takeAll(channel: ConfirmChannel, queue: string, expected: number): Promise<GetMessage[]> {
  await waitUntil(async () => (await channel.checkQueue(queue)).messageCount >= expected, `${expected} in ${queue}`);
  const messages: GetMessage[] = [];
  for (let got = await channel.get(queue, { noAck: true }); got; got = await channel.get(queue, { noAck: true })) {
    messages.push(got);
  }
  return messages;
}

/** The number of messages ready in `queue`. */
export async function depth(channel: ConfirmChannel, queue: string): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount;
}
