import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// #region naive-pipe
/**
 * The Q&A's chain. `.pipe()` forwards data, not errors or teardown: when the source fails, the
 * destination is neither ended nor destroyed, so its file descriptor stays open, and an 'error'
 * nobody listens for crashes the process.
 */
export function naiveCopy(source: Readable, through: Transform, destination: Writable): Writable {
  return source.pipe(through).pipe(destination);
}
// #endregion naive-pipe

// #region pipeline
/**
 * `pipeline` wires every stream's errors to one promise and destroys every stream when any of
 * them fails, so no descriptor, socket or half-written destination is left behind.
 */
export async function transformFile(input: string, output: string, through: Transform): Promise<void> {
  try {
    await pipeline(createReadStream(input), through, createWriteStream(output));
  } catch (error) {
    // A failed run must not leave a truncated file that looks like a result.
    await rm(output, { force: true });
    throw error;
  }
}
// #endregion pipeline
