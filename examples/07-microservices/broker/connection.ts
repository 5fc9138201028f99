import amqp, { type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import type { Logger } from './logger.js';

export type Broker = RecoveringChannelModel;

// #region connect-broker
/**
 * One long-lived connection per process, reconnecting with backoff and jitter when the broker or
 * the network drops it. Channels do not survive a reconnect: users re-open theirs on 'connect'.
 */
export async function connectBroker(url: string, log?: Logger): Promise<Broker> {
  const broker = await amqp.connect(url, {
    recovery: { initialDelay: 100, maxDelay: 5_000, jitter: 0.5, initialMaxRetries: 3 },
  });
  broker.on('disconnect', (error: Error) => log?.warn('broker connection lost', { error: error.message }));
  broker.on('connect', () => log?.info('broker connected'));
  // Without a listener an 'error' event would crash the process; recovery handles the rest.
  broker.on('error', (error: Error) => log?.error('broker error', { error: error.message }));
  return broker;
}
// #endregion connect-broker

/**
 * A confirm channel that is re-opened after every reconnect. `current()` waits while the
 * connection is down instead of failing, so callers simply retry on a closed channel.
 */
export function durableConfirmChannel(broker: Broker, onOpen?: (channel: ConfirmChannel) => Promise<void>) {
  let closed = false;
  let channel: Promise<ConfirmChannel> | undefined;
  const open = async (): Promise<ConfirmChannel> => {
    const ch = await broker.createConfirmChannel(); // waits while the connection is being recovered
    ch.on('error', () => {}); // an error also closes the channel, which 'close' below handles
    ch.once('close', () => {
      if (!closed) channel = opening();
    });
    await onOpen?.(ch);
    return ch;
  };
  const opening = () => {
    const next = open();
    // A failed open (the connection dropped mid-handshake) is seen by whoever awaits it, and the
    // next caller starts a fresh one instead of getting the same failure forever.
    next.catch(() => {
      if (channel === next) channel = undefined;
    });
    return next;
  };
  channel = opening();

  return {
    current: (): Promise<ConfirmChannel> => {
      if (closed) return Promise.reject(new Error('channel closed by its owner'));
      channel ??= opening();
      return channel;
    },
    close: async () => {
      closed = true;
      const ch = await channel?.catch(() => undefined);
      await ch?.close().catch(() => {});
    },
  };
}
