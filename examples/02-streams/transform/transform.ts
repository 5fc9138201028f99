import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

// #region naive-uppercase
/**
 * The Q&A's transform. A chunk boundary can fall inside a multi-byte UTF-8 character (é is 2
 * bytes, 🚀 is 4); decoding each chunk on its own turns both halves into U+FFFD.
 */
export function naiveUppercase(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      this.push(chunk.toString().toUpperCase());
      callback();
    },
  });
}
// #endregion naive-uppercase

// #region uppercase
/** A StringDecoder keeps the bytes of an unfinished character until the next chunk completes it. */
export function uppercase(): Transform {
  // Stryker disable next-line StringLiteral: utf8 is StringDecoder's default; named for the reader
  const decoder = new StringDecoder('utf8');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, decoder.write(chunk).toUpperCase());
    },
    flush(callback) {
      // Bytes still held at the end are a truncated character: end() emits U+FFFD for them.
      // Stryker disable next-line MethodExpression: U+FFFD, all end() can return here, has no case
      callback(null, decoder.end().toUpperCase());
    },
  });
}
// #endregion uppercase

// #region split-lines
/**
 * Bytes in, one string per line out (object mode on the readable side). A line split across
 * chunks is held until its newline arrives; `maxLineLength` bounds what a line can cost in memory.
 */
export function splitLines(maxLineLength = 1024 * 1024): Transform {
  // Stryker disable next-line StringLiteral: utf8 is StringDecoder's default; named for the reader
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const emitLines = (stream: Transform, text: string, callback: TransformCallback) => {
    const lines = (partial + text).split('\n');
    // Stryker disable next-line StringLiteral: split() returns at least one element, so pop() never gives undefined
    partial = lines.pop() ?? '';
    if (partial.length > maxLineLength) return callback(new RangeError(`line longer than ${maxLineLength} characters`));
    for (const line of lines) stream.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    callback();
  };
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, callback) {
      emitLines(this, decoder.write(chunk), callback);
    },
    flush(callback) {
      const rest = partial + decoder.end();
      if (rest !== '') this.push(rest);
      callback();
    },
  });
}
// #endregion split-lines
