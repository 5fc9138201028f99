import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfirmChannel } from 'amqplib';
import { errorMessage, type Logger } from '../correlation/logger.js';
import type { Broker } from './connection.js';

export interface AttachedChannel {
  /** The attached channel; waits while detached, and rejects once its owner has closed it. */
  current(): Promise<ConfirmChannel>;
  /** True while a channel is open and `setup` has completed on it. */
  readonly attached: boolean;
  /** Settles with the first attempt: a setup that cannot work (a queue declared with other arguments) fails fast. */
  readonly firstAttach: Promise<void>;
  /** Stops re-attaching and closes the channel. */
  close(): Promise<void>;
}

export interface AttachOptions {
  /** Runs on every new channel before it counts as attached: topology, prefetch, consume. */
  setup?: (channel: ConfirmChannel) => Promise<void>;
  log?: Logger;
  backoff?: { initialMs?: number; maxMs?: number };
}

// #region attached-channel
/**
 * A confirm channel kept attached until `close()`: after ANY loss (the connection dropped, the
 * broker closed the channel, a setup step failed) it opens a new one and runs `setup` again, with
 * capped, jittered backoff. One open per loss is not enough: right after a drop, amqplib may still
 * hand out the dying connection, and that open fails.
 */
export function attachedChannel(broker: Broker, { setup, log, backoff = {} }: AttachOptions = {}): AttachedChannel {
  const { initialMs = 100, maxMs = 5_000 } = backoff;
  const stopped = new AbortController();
  let channel: ConfirmChannel | undefined;
  let ready = deferred<ConfirmChannel>();
  const first = deferred<void>();

  async function attach(): Promise<{ ch: ConfirmChannel; lost: Promise<void> }> {
    const ch = await broker.createConfirmChannel(); // waits while the connection is being recovered
    ch.on('error', (error: Error) => log?.warn('channel error', { error: error.message })); // 'close' follows
    const lost = new Promise<void>((resolve) =>
      ch.once('close', () => {
        // Detached within the 'close' event itself: the publish whose confirm this loss just failed
        // retries at once, and must be handed a new channel, not this dead one again.
        if (channel === ch) {
          channel = undefined;
          ready = deferred();
        }
        resolve();
      }),
    );
    try {
      await setup?.(ch);
    } catch (error) {
      await ch.close().catch(() => {});
      throw error;
    }
    return { ch, lost };
  }

  // #region keep-attached
  async function keepAttached(): Promise<void> {
    for (let failures = 0; !stopped.signal.aborted; ) {
      try {
        const { ch, lost } = await attach();
        if (stopped.signal.aborted) return void (await ch.close().catch(() => {}));
        channel = ch;
        failures = 0;
        ready.resolve(ch);
        first.resolve();
        await lost;
        if (!stopped.signal.aborted) log?.warn('channel lost, re-attaching');
      } catch (error) {
        failures += 1;
        first.reject(error instanceof Error ? error : new Error(String(error)));
        log?.warn('could not attach a channel, retrying', { attempt: failures, error: errorMessage(error) });
      }
      const base = Math.min(maxMs, initialMs * 2 ** failures);
      await sleep(base / 2 + (Math.random() * base) / 2, undefined, { signal: stopped.signal }).catch(() => {});
    }
  }
  // #endregion keep-attached
  void keepAttached();

  return {
    current: () => (stopped.signal.aborted ? Promise.reject(new Error('channel closed by its owner')) : ready.promise),
    get attached() {
      return channel !== undefined;
    },
    firstAttach: first.promise,
    close: async () => {
      stopped.abort();
      ready.reject(new Error('channel closed by its owner'));
      // A channel still being opened is closed by the loop as soon as it arrives.
      await channel?.close().catch(() => {});
    },
  };
}
// #endregion attached-channel

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // nobody may be waiting when it is rejected
  return { promise, resolve, reject };
}
