import type { Channel, ConsumeMessage } from 'amqplib';
import type { Pool } from 'pg';
import type { Logger } from 'winston';
import type { ShopQueues } from './broker.js';
import type { PlacedOrder } from './orders.js';

export interface EmailWorkerDeps {
  pool: Pool;
  channel: Channel;
  queues: ShopQueues;
  logger: Logger;
}

export interface EmailWorker {
  /** Stops taking messages; those in hand finish first. */
  stop(): Promise<void>;
}

/** Queues a confirmation email per placed order; what it cannot handle goes to the dead-letter queue. */
export async function startEmailWorker({ pool, channel, queues, logger }: EmailWorkerDeps): Promise<EmailWorker> {
  const inHand = new Set<Promise<void>>();
  await channel.prefetch(10);
  const handle = async (message: ConsumeMessage) => {
    try {
      const order = JSON.parse(message.content.toString()) as PlacedOrder;
      await pool.query(
        'INSERT INTO emails (order_id, recipient, subject) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING',
        [order.orderId, order.email, `Your order of ${order.quantity} × ${order.item}`],
      );
      logger.info('confirmation email queued', { orderId: order.orderId });
      channel.ack(message);
    } catch (error) {
      logger.error('order message dead-lettered', { error });
      channel.nack(message, false, false);
    }
  };
  const { consumerTag } = await channel.consume(queues.queue, (message) => {
    if (!message) return;
    const work = handle(message).finally(() => inHand.delete(work));
    inHand.add(work);
  });
  return {
    async stop() {
      await channel.cancel(consumerTag);
      await Promise.all(inHand);
    },
  };
}
