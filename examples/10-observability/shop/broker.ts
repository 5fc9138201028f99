import type { Channel } from 'amqplib';

export interface ShopQueues {
  /** Topic exchange the order service publishes `order.placed` to. */
  exchange: string;
  /** The email worker's queue. */
  queue: string;
  /** Where the queue sends what the worker rejects for good. */
  deadLetterQueue: string;
}

export const ORDER_PLACED = 'order.placed';

export function shopQueuesFromEnv(env: NodeJS.ProcessEnv = process.env): ShopQueues {
  return {
    exchange: env.SHOP_EXCHANGE ?? 'shop.orders',
    queue: env.SHOP_QUEUE ?? 'shop.emails',
    deadLetterQueue: env.SHOP_DEAD_LETTER_QUEUE ?? 'shop.emails.dlq',
  };
}

/** Declares the exchange, the queue and its dead-letter queue; safe to run from every service. */
export async function declareShopQueues(channel: Channel, queues: ShopQueues): Promise<void> {
  // Stryker disable next-line ObjectLiteral: amqplib declares durable unless told otherwise; said here because a restart relies on it
  await channel.assertExchange(queues.exchange, 'topic', { durable: true });
  // Stryker disable next-line ObjectLiteral: as above
  await channel.assertQueue(queues.deadLetterQueue, { durable: true });
  await channel.assertQueue(queues.queue, {
    durable: true,
    deadLetterExchange: '',
    deadLetterRoutingKey: queues.deadLetterQueue,
  });
  await channel.bindQueue(queues.queue, queues.exchange, ORDER_PLACED);
}
