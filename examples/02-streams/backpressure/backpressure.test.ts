import { pipeline } from 'node:stream/promises';
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
    await pipeline(fastSource(CHUNKS, CHUNK), sink);
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
