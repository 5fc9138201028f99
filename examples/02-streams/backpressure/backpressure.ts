import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

// #region naive-relay
/**
 * The pitfall: `write()` returns false when the destination's buffer is full, and this loop
 * ignores it, so everything a fast source produces piles up in the slow destination's memory.
 */
export function naiveRelay(source: Readable, destination: Writable): Promise<void> {
  source.on('data', (chunk: Buffer) => destination.write(chunk));
  source.on('end', () => destination.end());
  return finished(destination);
}
// #endregion naive-relay

// #region relay
/**
 * Honours backpressure by hand: stop reading when `write()` says the buffer is full, resume on
 * 'drain'. `pipeline(source, destination)` does exactly this for you, plus error teardown.
 */
export async function relay(source: Readable, destination: Writable): Promise<void> {
  // Listening from the start makes a failing destination our error to report, never an uncaught 'error'.
  const destinationDone = finished(destination);
  destinationDone.catch(() => {});
  try {
    for await (const chunk of source) {
      if (destination.destroyed) throw destination.errored ?? new Error('destination was destroyed');
      if (!destination.write(chunk)) await drained(destination);
    }
    destination.end();
    await destinationDone;
  } catch (error) {
    destination.destroy(error as Error);
    throw error;
  }
}

/** Resolves on 'drain'; rejects if the destination fails or closes first, so the relay cannot hang. */
function drained(destination: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      destination.off('drain', onDrain).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(destination.errored ?? new Error('destination closed before draining'));
    destination.on('drain', onDrain).on('error', onError).on('close', onClose);
  });
}
// #endregion relay

/** A source that produces `chunks` fresh buffers as fast as it is asked for them. */
export function fastSource(chunks: number, chunkSize = 64 * 1024): Readable {
  let produced = 0;
  return new Readable({
    highWaterMark: chunkSize,
    read() {
      this.push(produced++ < chunks ? Buffer.alloc(chunkSize) : null);
    },
  });
}

/** What a slow sink saw: bytes received and the most it ever held in its write buffer. */
export interface SinkStats {
  received: number;
  maxBuffered: number;
}

/** A destination that accepts one chunk per event-loop turn, like a slow disk or a slow client. */
export function slowSink(highWaterMark = 64 * 1024): { sink: Writable; stats: SinkStats } {
  const stats: SinkStats = { received: 0, maxBuffered: 0 };
  const sink = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      stats.received += chunk.length;
      stats.maxBuffered = Math.max(stats.maxBuffered, this.writableLength);
      setImmediate(done);
    },
  });
  return { sink, stats };
}
