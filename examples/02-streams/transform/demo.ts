import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { recipe } from '@cookbook/shared';
import { naiveUppercase, splitLines, uppercase } from './transform.js';

export const transformDemo = recipe({
  services: [],
  title: 'upper-casing "Zürich café 🚀" delivered one byte per chunk, and splitting lines',
  lookFor: 'U+FFFD garbage from the naive transform; the decoder keeps every character whole.',
  async run({ log }) {
    const bytes = Buffer.from('Zürich café 🚀');
    const oneBytePerChunk = () => Readable.from([...bytes].map((byte) => Buffer.of(byte)));
    for (const [name, make] of [
      ['chunk.toString()', naiveUppercase],
      ['StringDecoder', uppercase],
    ] as const) {
      let out = '';
      await pipeline(oneBytePerChunk(), make(), async (output: AsyncIterable<Buffer>) => {
        out = await text(output);
      });
      log(`${name.padEnd(18)} → ${out}`);
    }
    const lines: string[] = [];
    await pipeline(Readable.from([Buffer.from('first\nsec'), Buffer.from('ond\nthird')]), splitLines(), async (out) => {
      for await (const line of out) lines.push(line as string);
    });
    log(`splitLines (object mode): ${JSON.stringify(lines)}`);
  },
});
