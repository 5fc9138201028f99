import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout } from 'node:timers/promises';
import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { fastSource, naiveRelay, relay, slowSink } from './backpressure.js';

const CHUNK = 64 * 1024;
const CHUNKS = 512; // 32 MiB through a sink whose buffer should hold 64 KiB
const TOTAL = CHUNK * CHUNKS;
const HIGH_WATER_MARK = 64 * 1024;

describe('a fast source into a slow destination', () => {
  it('naive: ignoring write() buffers most of the stream in the destination', async () => {
    const { sink, stats } = slowSink(HIGH_WATER_MARK);
    await naiveRelay(fastSource(CHUNKS, CHUNK), sink);
    expect(stats.received).toBe(TOTAL);
    expect(stats.maxBuffered).toBeGreaterThan(TOTAL / 2);
  });

  it("relay: honouring write() and 'drain' keeps the buffer within highWaterMark plus one chunk", async () => {
    const { sink, stats } = slowSink(HIGH_WATER_MARK);
    await relay(fastSource(CHUNKS, CHUNK), sink);
    expect(stats.received).toBe(TOTAL);
    expect(stats.maxBuffered).toBeLessThanOrEqual(HIGH_WATER_MARK + CHUNK);
  });

  it('pipeline: does the same without hand-written drain handling', async () => {
    const { sink, stats } = slowSink(HIGH_WATER_MARK);
    await pipeline(fastSource(CHUNKS), sink); // the default chunk is CHUNK
    expect(stats.received).toBe(TOTAL);
    expect(stats.maxBuffered).toBeLessThanOrEqual(HIGH_WATER_MARK + CHUNK);
  });

  it('relay: a failing destination rejects and stops the source', async () => {
    const { sink } = slowSink(HIGH_WATER_MARK);
    const source = fastSource(CHUNKS, CHUNK);
    sink._write = (_chunk, _encoding, done) => done(new Error('disk full'));
    await expect(relay(source, sink)).rejects.toThrow('disk full');
    expect(source.destroyed).toBe(true);
  });
});

describe('relay when one side fails', () => {
  it('a failing source rejects and destroys the destination', async () => {
    const { sink } = slowSink(HIGH_WATER_MARK);
    let sent = 0;
    const source = new Readable({
      read() {
        if (++sent > 4) this.destroy(new Error('disk went away'));
        else this.push(Buffer.alloc(CHUNK));
      },
    });
    await expect(relay(source, sink)).rejects.toThrow('disk went away');
    expect(sink.destroyed).toBe(true);
  });

  it('a destination that fails while its buffer has room rejects, not as an uncaught error', async () => {
    // A buffer far bigger than a chunk: write() keeps returning true, so the relay is not waiting on it.
    const { sink } = slowSink(16 * CHUNK);
    let writes = 0;
    sink._write = (_chunk, _encoding, done) => done(++writes === 2 ? new Error('disk full') : null);
    await expect(relay(fastSource(CHUNKS, CHUNK), sink)).rejects.toThrow('disk full');
  });

  it('a destination closed while the relay waits on the source rejects instead of hanging', async () => {
    const { sink, stats } = slowSink(HIGH_WATER_MARK);
    // Takes each chunk at once, and closes itself just after the second one.
    sink._write = (chunk: Buffer, _encoding, done) => {
      stats.received += chunk.length;
      done();
      if (stats.received >= 2 * 1024) setImmediate(() => sink.destroy());
    };
    // A slow source of small chunks (write() keeps returning true): by the time its next chunk comes, the destination has closed and will never drain.
    const slowSource = Readable.from(
      (async function* () {
        for (let i = 0; i < 8; i++) {
          await setTimeout(20);
          yield Buffer.alloc(1024);
        }
      })(),
    );
    await expect(relay(slowSource, sink)).rejects.toThrow(/destroyed/);
    expect(stats.received).toBe(2 * 1024);
  });
});

describe('relay leaves the destination as it found it', () => {
  it("removes the 'drain', 'error' and 'close' listeners of each wait for drain", async () => {
    const { sink } = slowSink(HIGH_WATER_MARK);
    await relay(fastSource(64, CHUNK), sink);
    // It waited for 'drain' dozens of times; what stays is finished()'s own 'error' and 'close' pair.
    expect(['drain', 'error', 'close'].map((event) => sink.listenerCount(event))).toEqual([0, 1, 1]);
  });
});

describe("relay reports the destination's own error", () => {
  it('when the destination was destroyed with one while the relay waited on the source', async () => {
    const { sink, stats } = slowSink(HIGH_WATER_MARK);
    const slowSource = Readable.from(
      (async function* () {
        yield Buffer.alloc(1024);
        await setTimeout(50);
        yield Buffer.alloc(1024);
      })(),
    );
    const relaying = relay(slowSource, sink);
    await waitUntil(() => stats.received === 1024, 'the first chunk written');
    sink.destroy(new Error('disk unplugged'));
    await expect(relaying).rejects.toThrow('disk unplugged');
  });

  it('when it fails a write without closing (autoDestroy: false) while the relay waits for drain', async () => {
    let fail: (() => void) | undefined;
    const sink = new Writable({
      autoDestroy: false, // an 'error' with no 'close' after it
      highWaterMark: 1024,
      write(_chunk, _encoding, done) {
        fail = () => done(new Error('disk full'));
      },
    });
    const relaying = relay(fastSource(8, 4096), sink);
    await waitUntil(() => fail !== undefined, 'the first write');
    fail?.();
    await expect(relaying).rejects.toThrow('disk full');
  });
});

describe('relay when the destination dies while the source is paused', () => {
  it('rejects instead of waiting forever for a drain that will never come', async () => {
    const { sink } = slowSink(HIGH_WATER_MARK);
    // Never completes a write: the buffer fills, then the destination is destroyed mid-wait.
    sink._write = () => {};
    const relaying = relay(fastSource(CHUNKS, CHUNK), sink);
    await waitUntil(() => sink.writableLength >= HIGH_WATER_MARK, "the sink's buffer to fill");
    sink.destroy();
    await expect(relaying).rejects.toThrow(/closed before draining|premature/i);
  });
});
