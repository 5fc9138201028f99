import { describe, expect, it } from 'vitest';
import { unsupportedRatios } from '../src/prose-numbers.js';

const table = (rows: string) => `<!-- bench:routes -->\n| route | vs hello |\n| --- | --- |\n${rows}\n<!-- /bench -->`;

describe('ratios quoted in prose', () => {
  it('passes a figure the bench block shows, however it is written', () => {
    const readme = `${table('| /health | 0.92x |\n| /orders | 2,164× |')}\n\nThe probe runs at 0.92× of hello; orders 2164x.`;
    expect(unsupportedRatios(readme)).toEqual([]);
  });

  it('names a figure no block shows, with its line: the table was re-measured, the prose was not', () => {
    const readme = `${table('| /health | 0.92x |')}\n\nLogging per request cut it to 0.41x of hello.`;
    expect(unsupportedRatios(readme)).toEqual([
      { figure: '0.41x', line: 'Logging per request cut it to 0.41x of hello.' },
    ]);
  });

  it('leaves goals, bounds, Q&A quotes, code and harness blocks alone', () => {
    const readme = [
      'The goal is ≥ 0.9x of hello, and two cores allow at most 2x.',
      'The Q&A says "2-3x faster than JSON.stringify".',
      '```ts\nconst speedup = 3x;\n```',
      '<!-- mutation:start -->\n| 5x |\n<!-- mutation:end -->',
      table('| a | 1.00x |'),
    ].join('\n');
    expect(unsupportedRatios(readme)).toEqual([]);
  });
});
