import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Bad rows to plant, by line number (line 1 is the header). */
export type BadRows = Record<number, string>;

/** Examples of each kind of bad row the validator rejects. */
export const BAD_ROW = {
  missingEmail: ',Nobody,30',
  badEmail: 'not-an-email,Someone,30',
  badNumber: 'bad.number@example.com,Someone,thirty',
  missingField: 'short.row@example.com,Someone',
} as const;

function* peopleLines(count: number, badRows: BadRows): Generator<string> {
  let chunk = 'email,name,age\n';
  for (let line = 2; line <= count + 1; line++) {
    const n = line - 1;
    // Every 7th name needs CSV quoting, so the parser and COPY both see quotes and commas.
    const name = n % 7 === 0 ? `"O""Brien, Person ${n}"` : `Person ${n}`;
    chunk += `${badRows[line] ?? `person${n}@example.com,${name},${n % 90}`}\n`;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the chunk size changes how many writes the file takes, not its bytes
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  // Stryker disable next-line ConditionalExpression: an empty last chunk writes nothing
  if (chunk) yield chunk;
}

/** Writes a people CSV of `count` data rows, with `badRows` planted at the given lines. */
export async function writePeopleCsv(path: string, count: number, badRows: BadRows = {}): Promise<void> {
  await pipeline(Readable.from(peopleLines(count, badRows)), createWriteStream(path));
}
