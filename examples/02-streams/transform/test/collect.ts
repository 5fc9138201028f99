import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Runs `chunks` through `transform` with pipeline and returns everything it emitted. */
export async function runThrough<T>(chunks: readonly Buffer[], transform: Transform): Promise<T[]> {
  const emitted: T[] = [];
  await pipeline(Readable.from(chunks), transform, async (output: AsyncIterable<T>) => {
    for await (const item of output) emitted.push(item);
  });
  return emitted;
}

/** `text` as UTF-8 bytes cut into pieces of `size` bytes, so boundaries fall inside characters. */
export function bytesInPiecesOf(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return pieces;
}
