import { Writable } from 'node:stream';

/** A stream that keeps every JSON log line written to it, parsed, plus the raw text for grepping. */
export class CapturedLog extends Writable {
  raw = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.raw += chunk.toString('utf8');
    callback();
  }
  get entries(): Record<string, unknown>[] {
    return this.raw
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
