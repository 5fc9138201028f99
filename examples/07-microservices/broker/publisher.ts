import type { ConfirmChannel } from 'amqplib';
import { correlationId } from '../correlation/correlation.js';
import { attachedChannel } from './attached-channel.js';
import type { Broker } from './connection.js';

export interface PublishOptions {
  /** Stable id of this event: consumers use it to absorb redeliveries and republishes. */
  messageId: string;
  headers?: Record<string, unknown>;
}

// #region publisher
/**
 * Publishes persistent JSON on a confirm channel: `publish` resolves only once the broker has
 * taken responsibility for the message. A publish cut off by a lost connection is sent again on
 * the recovered one; the messageId lets consumers drop the copy if the first one did arrive.
 */
export function createPublisher(broker: Broker, { attempts = 5 } = {}) {
  const channel = attachedChannel(broker);

  async function publish(exchange: string, routingKey: string, payload: unknown, options: PublishOptions) {
    const content = Buffer.from(JSON.stringify(payload));
    const properties = {
      persistent: true, // written to disk by a durable queue: survives a broker restart
      contentType: 'application/json',
      messageId: options.messageId,
      correlationId: correlationId(),
      timestamp: Math.floor(Date.now() / 1000),
      headers: options.headers,
    };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const ch = await channel.current();
        await confirmPublish(ch, exchange, routingKey, content, properties);
        return;
      } catch (error) {
        if (attempt >= attempts) throw error;
      }
    }
  }

  return { publish, close: () => channel.close() };
}
// #endregion publisher

export type Publisher = ReturnType<typeof createPublisher>;

function confirmPublish(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  properties: Parameters<ConfirmChannel['publish']>[3],
): Promise<void> {
  return new Promise((resolve, reject) => {
    // amqplib hands the callback an Error ('message nacked', 'channel closed') or nothing.
    channel.publish(exchange, routingKey, content, properties, (error: Error | null) =>
      error ? reject(error) : resolve(),
    );
  });
}
