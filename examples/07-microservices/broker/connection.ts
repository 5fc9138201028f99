import amqp, { type RecoveringChannelModel } from 'amqplib';
import type { Logger } from '../correlation/logger.js';

export type Broker = RecoveringChannelModel;

// #region connect-broker
/**
 * One long-lived connection per process, reconnecting with backoff and jitter when the broker or
 * the network drops it. Channels do not survive a reconnect: their owners re-open them.
 */
export async function connectBroker(url: string, log?: Logger): Promise<Broker> {
  const broker = await amqp.connect(url, {
    // amqplib leaves Nagle on. A message over ~2 KB goes out in several writes, and Nagle holds the
    // later ones until the broker's delayed ACK: some 50 ms per confirmed publish instead of 1.
    noDelay: true,
    recovery: { initialDelay: 100, maxDelay: 5_000, jitter: 0.5, initialMaxRetries: 3 },
  });
  broker.on('disconnect', (error: Error) => log?.warn('broker connection lost', { error: error.message }));
  broker.on('connect', () => log?.info('broker connected'));
  // Without a listener an 'error' event would crash the process; recovery handles the rest.
  broker.on('error', (error: Error) => log?.error('broker error', { error: error.message }));
  return broker;
}
// #endregion connect-broker
