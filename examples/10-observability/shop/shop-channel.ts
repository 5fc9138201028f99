import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import type { Logger } from 'winston';
import { declareShopQueues, type ShopQueues } from './broker.js';

export interface ShopChannelOptions {
  queues: ShopQueues;
  logger: Logger;
  /** Told false as the channel or its consumer is lost, true once a rebuilt one is set up. */
  setReady(ready: boolean): void;
  /** Runs on each channel once the queues are declared: where a consumer (re)starts. */
  onChannel?(channel: Channel): Promise<void>;
}

export interface ShopChannel {
  /** The channel while it is set up; undefined while it is being rebuilt. A confirm channel, so a
   * publisher learns when the broker has its message. */
  current(): ConfirmChannel | undefined;
  /** Stops rebuilding: the connection it lives on is gone or closing. */
  dispose(): void;
}

type BrokerError = Error & { code?: number | string };

const MAX_DELAY_MS = 10_000;
const JITTER = 0.2;
/** A rebuilt channel lost again sooner than this is the same failure going on, not a new one. */
const HEALTHY_AFTER_MS = 1_000;

/** The wait before a rebuild after `failures` in a row: 100 ms doubling, ± 20 %, never above 10 s. */
export function channelRebuildDelay(failures: number): number {
  const base = Math.min(100 * 2 ** failures, MAX_DELAY_MS / (1 + JITTER));
  return Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER));
}

/**
 * The channel of one connection, set up again whenever the broker takes it or its consumer away
 * while the connection stays up. Any channel-level error (404 NOT_FOUND on a publish to a deleted
 * exchange, 406 PRECONDITION_FAILED on an unknown delivery tag or a consumer timeout) closes that
 * channel only; a deleted queue, or a failover of its node, cancels its consumer and leaves the
 * channel open. Either way the service stays unready until the queues are declared and the
 * consumer started again, and a rebuild that keeps failing waits longer each time instead of
 * spinning against a broker that refuses it.
 */
export async function openShopChannel(
  model: ChannelModel,
  { queues, logger, setReady, onChannel }: ShopChannelOptions,
): Promise<ShopChannel> {
  const open = new WeakSet<ConfirmChannel>();
  let ready: ConfirmChannel | undefined;
  let readySince = 0;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let disposed = false;

  const watch = (channel: ConfirmChannel) => {
    open.add(channel);
    // Without a listener amqplib turns the channel's error into the loss of the whole connection.
    channel.on('error', (error: BrokerError) => {
      if (channel === ready)
        logger.warn('rabbitmq channel closed by the broker', { error: error.message, code: error.code });
    });
    // Also emitted as the connection goes; its 'disconnect' then disposes of this before any rebuild.
    channel.on('close', () => {
      open.delete(channel);
      if (channel === ready) lost();
    });
    // amqplib has handed the consumer `null` by now; the channel itself is still open and reusable.
    channel.on('cancel', () => {
      if (channel !== ready) return;
      logger.warn('rabbitmq consumer cancelled by the broker');
      lost(channel);
    });
  };

  async function setUp(reusable?: ConfirmChannel): Promise<ConfirmChannel> {
    const channel = reusable ?? (await model.createConfirmChannel());
    if (!reusable) watch(channel);
    try {
      await declareShopQueues(channel, queues);
      await onChannel?.(channel);
      return channel;
    } catch (error) {
      // Most failures closed it already; one that did not must not leave a channel behind.
      if (open.has(channel)) await channel.close().catch(() => {});
      throw error;
    }
  }

  const schedule = (reusable?: ConfirmChannel): number | undefined => {
    if (disposed) return undefined;
    const delay = channelRebuildDelay(failures);
    retry = setTimeout(() => void rebuild(reusable), delay);
    return delay;
  };

  function lost(reusable?: ConfirmChannel): void {
    ready = undefined;
    setReady(false);
    // A channel that fails at once after each rebuild (a message that closes it on each delivery)
    // backs off like one whose rebuild fails.
    failures = Date.now() - readySince > HEALTHY_AFTER_MS ? 0 : failures + 1;
    schedule(reusable);
  }

  async function rebuild(reusable?: ConfirmChannel): Promise<void> {
    retry = undefined;
    try {
      const channel = await setUp(reusable && open.has(reusable) ? reusable : undefined);
      if (disposed) return;
      [ready, readySince] = [channel, Date.now()];
      setReady(true);
      logger.info('rabbitmq channel restored');
    } catch (error) {
      if (disposed) return;
      failures += 1;
      const { message, code } = error as BrokerError;
      logger.warn('rabbitmq channel rebuild failed', { error: message, code, retryIn: schedule() });
    }
  }

  ready = await setUp(); // not a rebuild: `readySince` 0 counts it healthy from the start
  return {
    current: () => ready,
    dispose() {
      disposed = true;
      ready = undefined;
      clearTimeout(retry);
    },
  };
}
