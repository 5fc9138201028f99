import type { ConfirmChannel } from 'amqplib';
import type { Broker } from './connection.js';

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
