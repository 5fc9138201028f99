import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a scan of a file found: the same answer whichever way the file was read. */
export interface FileScan {
  bytes: number;
  lines: number;
}

const NEWLINE = 0x0a;

function countNewlines(chunk: Buffer): number {
  let lines = 0;
  for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}

// #region naive-read
/** The pitfall: the whole file becomes one Buffer, so memory grows by the file's size. */
export function naiveScanFile(path: string): FileScan {
  const content = readFileSync(path);
  return { bytes: content.length, lines: countNewlines(content) };
}
// #endregion naive-read

// #region stream-read
/** Reads chunk by chunk: memory holds about one chunk (`highWaterMark`) at a time, whatever the file size. */
export async function scanFile(path: string, highWaterMark = 64 * 1024): Promise<FileScan> {
  const scan: FileScan = { bytes: 0, lines: 0 };
  await pipeline(
    createReadStream(path, { highWaterMark }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        scan.bytes += chunk.length;
        scan.lines += countNewlines(chunk);
        done();
      },
    }),
  );
  return scan;
}
// #endregion stream-read

// #region byte-count
/**
 * The Q&A's snippet reads with `encoding: 'utf8'` and reports `chunk.length` as bytes; a decoded
 * chunk is a string, and its length counts UTF-16 code units, not bytes.
 */
export async function naiveCountBytes(path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) bytes += (chunk as string).length;
  return bytes;
}

/** Count bytes on the raw Buffers; decode only where text is needed. */
export async function countBytes(path: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(path)) bytes += (chunk as Buffer).length;
  return bytes;
}
// #endregion byte-count

/** Lines of text, generated a chunk at a time so making a big file takes no more memory than reading one. */
function* sampleLines(totalBytes: number): Generator<Buffer> {
  const line = Buffer.from('2026-11-25T20:24:36Z INFO order 4711 shipped to Zürich, total 129.90 EUR\n');
  // Stryker disable next-line MethodExpression,ArithmeticOperator: the chunk size changes how the bytes are written, not the file
  const perChunk = Math.max(1, Math.floor((256 * 1024) / line.length));
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => line));
  let left = totalBytes;
  while (left > 0) {
    const take = Math.min(left, chunk.length);
    // Stryker disable next-line ConditionalExpression: a subarray of the whole chunk is the same bytes
    yield take === chunk.length ? chunk : chunk.subarray(0, take);
    left -= take;
  }
}

/** Writes a text file of exactly `totalBytes` bytes; `pipeline` honours the disk's backpressure. */
export async function writeSampleFile(path: string, totalBytes: number): Promise<void> {
  await pipeline(Readable.from(sampleLines(totalBytes)), createWriteStream(path));
}
