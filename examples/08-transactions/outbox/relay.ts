import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import type pg from 'pg';
import { type RelayOptions, relayOutbox } from './outbox.js';

// #region connect-broker
/**
 * A broker connection that reconnects by itself (amqplib's recovery, with jittered exponential
 * backoff) after a broker restart or a network cut. The 'error' listener is not optional: without
 * one, the first connection error is an unhandled 'error' event that ends the process. `noDelay`
 * turns Nagle's algorithm off, which amqplib leaves on: each confirmed publish would otherwise wait
 * for the broker's delayed ACK before its frames leave.
 */
export async function connectBroker(url: string, onError: (error: Error) => void): Promise<RecoveringChannelModel> {
  const connection = await amqp.connect(url, { noDelay: true, recovery: { initialDelay: 100, maxDelay: 5_000 } });
  connection.on('error', onError);
  return connection;
}
// #endregion connect-broker

/** Where the relay gets a channel: a (recovering) connection, which waits while the broker is away. */
export interface Broker {
  createConfirmChannel(): Promise<ConfirmChannel>;
}

export interface RelayLoopOptions extends RelayOptions {
  /** Stops the loop; it finishes the batch in hand first. */
  signal: AbortSignal;
  /** Pause when the outbox is empty. */
  idleMs?: number;
  /** Pause after a failed batch, before a fresh channel is opened. */
  retryDelayMs?: number;
  onError?: (error: unknown) => void;
}

// #region relay-loop
/**
 * Relays the outbox until `signal` aborts. A batch that fails (the broker went away mid-publish,
 * or before its confirms came back) is rolled back, so its rows stay unsent; the loop drops the
 * channel, waits, and takes a new one from the connection, which blocks until the broker is back.
 * Anything published but unconfirmed goes out again: consumers deduplicate by event id.
 */
export async function runRelay(pool: pg.Pool, broker: Broker, exchange: string, options: RelayLoopOptions) {
  const { signal, idleMs = 200, retryDelayMs = 500, onError = () => {}, ...batch } = options;
  // Stryker disable next-line ArrowFunction: `() => undefined` swallows the abort the same way `() => {}` does
  const pause = (ms: number) => sleep(ms, undefined, { signal }).catch(() => {});
  let channel: ConfirmChannel | undefined;
  while (!signal.aborted) {
    try {
      channel ??= await openChannel(broker, onError);
      if ((await relayOutbox(pool, channel, exchange, batch)) === 0) await pause(idleMs);
    } catch (error) {
      onError(error);
      void closeQuietly(channel);
      channel = undefined;
      await pause(retryDelayMs);
    }
  }
  await closeQuietly(channel);
}
// #endregion relay-loop

/** A channel the broker already closed throws on close(), synchronously: never let that end the loop. */
async function closeQuietly(channel: ConfirmChannel | undefined): Promise<void> {
  try {
    // Stryker disable next-line OptionalChaining: without it, an undefined channel throws a TypeError the catch swallows too
    await channel?.close();
  } catch {}
}

async function openChannel(broker: Broker, onError: (error: unknown) => void): Promise<ConfirmChannel> {
  const channel = await broker.createConfirmChannel();
  // A channel closed by the broker emits 'error'; unheard, it would end the process.
  channel.on('error', onError);
  return channel;
}
