import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { recipe } from '@cookbook/shared';
import { fastSource, naiveRelay, relay, slowSink } from './backpressure.js';

export const backpressureDemo = recipe({
  services: [],
  title: 'a fast source into a slow sink (highWaterMark 64 KiB), three ways',
  lookFor: 'the naive loop buffers nearly everything; the other two stay near 64 KiB.',
  async run({ smoke, log }) {
    const chunks = smoke ? 64 : 512;
    log(`${(chunks * 64) / 1024} MiB in 64 KiB chunks:`);
    for (const [name, run] of [
      ["on('data') → write()", naiveRelay],
      ["write() + 'drain'", relay],
      ['pipeline()', (source: Readable, sink: Writable) => pipeline(source, sink)],
    ] as const) {
      const { sink, stats } = slowSink();
      await run(fastSource(chunks), sink);
      log(`${name.padEnd(22)} most bytes buffered in the sink: ${(stats.maxBuffered / 1024).toFixed(0)} KiB`);
    }
  },
});
