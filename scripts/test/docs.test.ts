import { describe, expect, it } from 'vitest';
import { fillBenchBlocks, parseReports } from '../src/bench-blocks.js';
import { extractRegion, fillBlock, fillRegions, RegionError } from '../src/regions.js';

const source = [
  'import x from "y";',
  '  // #region greet',
  '  export function greet(name: string): string {',
  '    // #region inner',
  '    return greeting(name);',
  '    // #endregion inner',
  '  }',
  '  // #endregion greet',
].join('\n');

describe('docs regions', () => {
  it('extracts a region dedented and without nested markers', () => {
    expect(extractRegion(source, 'greet', 'x.ts')).toBe(
      ['export function greet(name: string): string {', '  return greeting(name);', '}'].join('\n'),
    );
  });

  it('names the file and region that is missing or unclosed', () => {
    expect(() => extractRegion(source, 'nope', 'src/x.ts')).toThrow('src/x.ts: no "#region nope" marker');
    expect(() => extractRegion('// #region open\ncode', 'open', 'src/y.ts')).toThrow(RegionError);
  });

  it('fills README blocks from source and leaves everything else alone', () => {
    const readme = 'intro\n<!-- region:src/x.ts#inner -->\nstale\n<!-- endregion -->\noutro\n';
    const filled = fillRegions(readme, () => source, 'README.md');
    expect(filled).toBe(
      'intro\n<!-- region:src/x.ts#inner -->\n```ts\nreturn greeting(name);\n```\n<!-- endregion -->\noutro\n',
    );
    // Filling is idempotent, which is what lets `docs:check` compare.
    expect(fillRegions(filled, () => source, 'README.md')).toBe(filled);
  });

  it('replaces a named block and insists that it exists', () => {
    expect(fillBlock('a\n<!-- t:start -->\nold\n<!-- t:end -->\nb', 't', 'new', 'R')).toBe(
      'a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb',
    );
    expect(() => fillBlock('nothing', 't', 'new', 'README.md')).toThrow('README.md: needs <!-- t:start -->');
  });

  it('writes bench reports into their blocks and lists the ones with no block', () => {
    const readme = 'x\n<!-- bench:speed -->\nold table\n<!-- /bench -->\ny';
    const reports = parseReports(
      `${JSON.stringify({ name: 'speed', markdown: '| a |' })}\n${JSON.stringify({ name: 'other', markdown: 'z' })}\n`,
    );
    const { readme: written, missing } = fillBenchBlocks(readme, reports);
    expect(written).toBe('x\n<!-- bench:speed -->\n| a |\n<!-- /bench -->\ny');
    expect(missing).toEqual(['other']);
  });
});
