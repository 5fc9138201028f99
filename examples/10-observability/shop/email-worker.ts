import type { Channel, ConsumeMessage } from 'amqplib';
import type { Pool } from 'pg';
import type { Logger } from 'winston';
import type { ShopQueues } from './broker.js';
import type { PlacedOrder } from './orders.js';

export interface EmailWorkerDeps {
  pool: Pool;
  queues: ShopQueues;
  logger: Logger;
}

export interface EmailWorker {
  /** Takes messages from `channel`: the first one, and each one after a reconnect or a rebuild. */
  consume(channel: Channel): Promise<void>;
  /** Stops taking messages; those in hand finish first. */
  stop(): Promise<void>;
}

/** Queues a confirmation email per placed order; what it cannot handle goes to the dead-letter queue. */
export function createEmailWorker({ pool, queues, logger }: EmailWorkerDeps): EmailWorker {
  const inHand = new Set<Promise<void>>();
  let consumer: { channel: Channel; consumerTag: string } | undefined;
  const handle = async (channel: Channel, message: ConsumeMessage) => {
    let handled = true;
    try {
      const order = JSON.parse(message.content.toString()) as PlacedOrder;
      await pool.query(
        'INSERT INTO emails (order_id, recipient, subject) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO NOTHING',
        [order.orderId, order.email, `Your order of ${order.quantity} × ${order.item}`],
      );
      logger.info('confirmation email queued', { orderId: order.orderId });
    } catch (error) {
      logger.error('order message dead-lettered', { error });
      handled = false;
    }
    try {
      if (handled) channel.ack(message);
      else channel.nack(message, false, false);
    } catch (error) {
      // The channel went with its connection: the broker gives the message to the next consumer,
      // and the email row is written once whatever the number of deliveries (ON CONFLICT).
      logger.warn('message left unacknowledged; the broker delivers it again', { error: String(error) });
    }
  };
  return {
    async consume(channel) {
      await channel.prefetch(10);
      const { consumerTag } = await channel.consume(queues.queue, (message) => {
        // null: the broker cancelled the consumer (its queue deleted, or a failover of its node);
        // the broker connection declares the queue and calls `consume` again.
        if (!message) return;
        // Stryker disable next-line ArrowFunction: a settled promise left in the set costs only memory; stop() awaits it at once
        const work = handle(channel, message).finally(() => inHand.delete(work));
        inHand.add(work);
      });
      consumer = { channel, consumerTag };
    },
    async stop() {
      // A channel lost with its connection has no consumer left to cancel.
      await consumer?.channel.cancel(consumer.consumerTag).catch(() => {});
      await Promise.all(inHand);
    },
  };
}
