import { describe, expect, it } from 'vitest';
import { bytesInPiecesOf, runThrough } from './test/collect.js';
import { naiveUppercase, splitLines, uppercase } from './transform.js';

const TEXT = 'Zürich café 🚀 naïve façade, ½ price\n'.repeat(50);

describe('uppercasing a stream of UTF-8 bytes', () => {
  it.each([1, 3, 7])('naive: corrupts characters split across %i-byte chunks', async (size) => {
    const out = (await runThrough<Buffer>(bytesInPiecesOf(TEXT, size), naiveUppercase())).join('');
    expect(out).not.toBe(TEXT.toUpperCase());
    expect(out).toContain('\uFFFD');
  });

  it('naive: correct while no chunk boundary falls inside a character', async () => {
    const out = (await runThrough<Buffer>([Buffer.from(TEXT)], naiveUppercase())).join('');
    expect(out).toBe(TEXT.toUpperCase());
  });

  it.each([1, 3, 7])('fixed: keeps every character intact across %i-byte chunks', async (size) => {
    const out = (await runThrough<Buffer>(bytesInPiecesOf(TEXT, size), uppercase())).join('');
    expect(out).toBe(TEXT.toUpperCase());
  });

  it('marks a character truncated at the very end instead of dropping it silently', async () => {
    const bytes = Buffer.from('ok é');
    const out = (await runThrough<Buffer>([bytes.subarray(0, bytes.length - 1)], uppercase())).join('');
    expect(out).toBe('OK \uFFFD');
  });
});

describe('splitLines (object mode out)', () => {
  it('emits one string per line, whole, whatever the chunking', async () => {
    const text = 'first é\r\nsecond 🚀\nthird, no newline';
    for (const size of [1, 2, 5, 64]) {
      expect(await runThrough<string>(bytesInPiecesOf(text, size), splitLines())).toEqual([
        'first é',
        'second 🚀',
        'third, no newline',
      ]);
    }
  });

  it('emits no empty line after a final newline', async () => {
    expect(await runThrough<string>(bytesInPiecesOf('a\nb\n', 1), splitLines())).toEqual(['a', 'b']);
  });

  it('fails the pipeline on a line longer than the limit instead of buffering it', async () => {
    const endless = bytesInPiecesOf('x'.repeat(5000), 100);
    await expect(runThrough<string>(endless, splitLines(1000))).rejects.toThrow(/longer than 1000/);
  });

  it('accepts a line of exactly the limit, held across chunks', async () => {
    const atLimit = bytesInPiecesOf(`${'x'.repeat(1000)}\n`, 100);
    expect(await runThrough<string>(atLimit, splitLines(1000))).toEqual(['x'.repeat(1000)]);
  });
});
