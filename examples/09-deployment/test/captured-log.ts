import { Writable } from 'node:stream';

export type LogEntry = Record<string, unknown>;

/** The JSON log lines among `lines` (a child's stdout, a captured stream), parsed. */
export function logEntries(lines: readonly string[]): LogEntry[] {
  return lines.filter((line) => line.trim().startsWith('{')).map((line) => JSON.parse(line) as LogEntry);
}

/** A stream that keeps every JSON log line written to it, parsed, plus the raw text for grepping. */
export class CapturedLog extends Writable {
  raw = '';
  readonly #echo: ((text: string) => void) | undefined;
  /** `echo` sees each chunk as it is written: a demo prints the lines, a test keeps them quiet. */
  constructor(echo?: (text: string) => void) {
    super();
    this.#echo = echo;
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    const text = chunk.toString('utf8');
    this.raw += text;
    this.#echo?.(text);
    callback();
  }
  get entries(): LogEntry[] {
    return logEntries(this.raw.split('\n'));
  }
}
