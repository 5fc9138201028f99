import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { withCorrelationId } from '../correlation/correlation.js';
import { errorMessage, type Logger } from '../correlation/logger.js';
import { watchQueue } from '../telemetry/dependency-metrics.js';
import { attachedChannel } from './attached-channel.js';
import type { Broker } from './connection.js';
import { ATTEMPT_HEADER, DEFAULT_RETRY_DELAYS_MS, declareRetryQueues, readAttempt, retryQueueName } from './retry.js';

/** A message that can never succeed (bad JSON, failed validation): retrying it only blocks the queue. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}

export interface MessageContext {
  messageId: string;
  attempt: number;
  redelivered: boolean;
}

export interface ConsumerOptions<T> {
  queue: string;
  deadLetterQueue: string;
  /** Unacknowledged messages the broker may push to this consumer at once. */
  prefetch?: number;
  /** Delay before each retry of a transient failure; one more attempt than delays, then the DLQ. */
  retryDelaysMs?: readonly number[];
  /** Exchanges (and routing patterns) the queue receives from, besides direct sends. */
  bindings?: { exchange: string; pattern: string }[];
  /** Turns the decoded JSON into a typed message, or throws PoisonMessageError naming the field. */
  parse(body: unknown): T;
  handle(message: T, context: MessageContext): Promise<void>;
  log?: Logger;
}

export const REASON_HEADER = 'x-dead-letter-reason';

// #region consumer
export async function startConsumer<T>(broker: Broker, options: ConsumerOptions<T>) {
  const { queue, deadLetterQueue, prefetch = 100, retryDelaysMs = DEFAULT_RETRY_DELAYS_MS, log } = options;
  const maxAttempts = retryDelaysMs.length + 1;
  const inFlight = new Set<Promise<void>>();
  let consuming: { channel: ConfirmChannel; consumerTag: string } | undefined;

  // Run again on every channel the loop attaches: after a reconnect nothing of the old one is left.
  const channel = attachedChannel(broker, {
    log,
    setup: async (ch) => {
      await ch.assertQueue(deadLetterQueue, { durable: true });
      await ch.assertQueue(queue, { durable: true });
      await declareRetryQueues(ch, queue, retryDelaysMs);
      for (const { exchange, pattern } of options.bindings ?? []) {
        await ch.assertExchange(exchange, 'topic', { durable: true });
        await ch.bindQueue(queue, exchange, pattern);
      }
      await ch.prefetch(prefetch); // bounds memory and spreads work across consumers
      const { consumerTag } = await ch.consume(queue, (message) => {
        if (!message) {
          // The broker cancelled us (the queue was deleted, a node failed over): re-attach from scratch.
          consuming = undefined;
          return void ch.close().catch(() => {});
        }
        const work = settle(ch, message).catch((error) => {
          // The retry or DLQ copy was refused: hand the message back rather than hold it unacked.
          log?.error('could not settle message, requeueing it', { error: errorMessage(error) });
          try {
            ch.nack(message, false, true);
          } catch {
            // The channel is already closed; the broker requeues the message by itself.
          }
        });
        inFlight.add(work);
        // Stryker disable next-line ArrowFunction: only frees memory; stop() awaits settled promises just as fast
        void work.finally(() => inFlight.delete(work));
      });
      consuming = { channel: ch, consumerTag };
      ch.once('close', () => {
        if (consuming?.channel === ch) consuming = undefined;
      });
    },
  });

  // #region settle
  async function settle(ch: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const { attempt, invalid } = readAttempt(message.properties.headers?.[ATTEMPT_HEADER], maxAttempts);
    const messageId = String(message.properties.messageId ?? '');
    try {
      if (!messageId) throw new PoisonMessageError('messageId property is missing');
      const payload = options.parse(decodeJson(message.content));
      const context = { messageId, attempt, redelivered: message.fields.redelivered };
      await withCorrelationId(message.properties.correlationId ?? messageId, () => options.handle(payload, context));
    } catch (error) {
      const delayMs = retryDelaysMs[attempt - 1];
      if (error instanceof PoisonMessageError || delayMs === undefined) {
        const reason =
          error instanceof PoisonMessageError
            ? error.message
            : `${invalid ? `${invalid}, treated as the last` : `gave up after ${attempt} attempts`}: ${errorMessage(error)}`;
        log?.warn('dead-lettering message', { messageId, reason });
        await copyTo(ch, deadLetterQueue, message, { [REASON_HEADER]: reason });
      } else {
        // Through the broker, not a timer: the copy waits in the delay's queue, then comes back.
        log?.warn('retrying message', { messageId, attempt, delayMs, error: errorMessage(error) });
        await copyTo(ch, retryQueueName(queue, delayMs), message, { [ATTEMPT_HEADER]: attempt + 1 });
      }
    }
    ch.ack(message); // only now: the work, or its copy in the DLQ or retry, is safe
  }
  // #endregion settle

  // A setup that cannot work (say, the queue exists with other arguments) fails the start.
  await channel.firstAttach.catch(async (error: unknown) => {
    await channel.close();
    throw error;
  });

  // Lag and dead letters on /metrics, asked of the broker at scrape time on a channel of their own.
  const unwatch = watchQueue(broker, { queue, deadLetterQueue });

  return {
    queue,
    /** True while the broker delivers to this consumer: what its service's readiness reports. */
    get consuming() {
      return consuming !== undefined;
    },
    /** Stops taking messages, lets the ones in hand finish, then closes the channel. */
    async stop() {
      const current = consuming;
      consuming = undefined;
      if (current) await current.channel.cancel(current.consumerTag).catch(() => {});
      await Promise.allSettled([...inFlight]);
      unwatch();
      await channel.close();
    },
  };
}
// #endregion consumer

function decodeJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch (error) {
    throw new PoisonMessageError(`body is not valid JSON: ${errorMessage(error)}`);
  }
}

/** Re-publishes the message (same id and properties, extra headers) and waits for the broker's confirm. */
function copyTo(ch: ConfirmChannel, queue: string, message: ConsumeMessage, headers: Record<string, unknown>) {
  const properties = {
    ...message.properties,
    persistent: true,
    headers: { ...message.properties.headers, ...headers },
  };
  return new Promise<void>((resolve, reject) =>
    ch.sendToQueue(queue, message.content, properties, (error: unknown) =>
      error ? reject(new Error(`broker refused the copy: ${String(error)}`)) : resolve(),
    ),
  );
}

export type Consumer = Awaited<ReturnType<typeof startConsumer>>;
