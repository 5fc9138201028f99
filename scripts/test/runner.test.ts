import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog.js';
import { parseArgs } from '../src/example.js';
import { smokeExample, startOrder } from '../src/smoke.js';
import { examplesListing, examplesTable } from '../src/table.js';
import { addCounts, summaryLine } from '../src/test-results.js';

const { examples } = loadCatalog(join(import.meta.dirname, 'fixtures/examples'));
const byName = (slug: string) => {
  const example = examples.find((e) => e.slug === slug);
  if (!example) throw new Error(`no fixture ${slug}`);
  return example;
};

describe('pnpm example arguments', () => {
  it('reads a name, a recipe and the options after it, with or without --', () => {
    expect(parseArgs([])).toEqual({ smoke: false, help: false, args: [], smokeNames: [] });
    const expected = { smoke: false, help: false, name: 'streams', recipe: 'read-file', args: ['--size', '64'] };
    expect(parseArgs(['streams', 'read-file', '--', '--size', '64'])).toEqual({ ...expected, smokeNames: [] });
    expect(parseArgs(['streams', 'read-file', '--size', '64'])).toEqual({ ...expected, smokeNames: [] });
    expect(parseArgs(['--smoke', '1', 'streams'])).toMatchObject({ smoke: true, smokeNames: ['1', 'streams'] });
  });

  it('never takes an option for a recipe or an example name', () => {
    expect(parseArgs(['microservices', '--', '--redrive'])).toEqual({
      smoke: false,
      help: false,
      name: 'microservices',
      args: ['--redrive'],
      smokeNames: [],
    });
    expect(parseArgs(['--help'])).toMatchObject({ help: true });
    expect(parseArgs(['-h'])).toMatchObject({ help: true });
    expect(parseArgs(['--help']).name).toBeUndefined();
  });
});

describe('smoke run', () => {
  it('passes an example that exits 0, in smoke mode', async () => {
    const result = await smokeExample(byName('clean'), {}, 20_000);
    expect(result).toMatchObject({ ok: true });
    expect(result.output).toContain('clean ran, smoke=1');
  });

  it('fails a non-zero exit and keeps its output', async () => {
    const result = await smokeExample(byName('failing'), {}, 20_000);
    expect(result).toMatchObject({ ok: false, reason: 'exit code 3' });
    expect(result.output).toContain('failing on purpose');
  });

  it('fails and kills an example that runs past its time', async () => {
    const result = await smokeExample(byName('hanging'), {}, 1_500);
    expect(result).toMatchObject({ ok: false, reason: 'still running after 1.5s' });
  });

  it('fails an example that leaves a process behind, and kills it', async () => {
    const result = await smokeExample(byName('orphan'), {}, 20_000);
    expect(result).toMatchObject({ ok: false, reason: 'exited but left processes running in its group' });
  });
});

describe('smoke start order', () => {
  const slugs = (order: readonly { slug: string }[]) => order.map((e) => e.slug);

  it('starts the longest of the last run first, so no lane idles behind a long demo started last', () => {
    const seconds = Object.fromEntries(examples.map((e, i) => [e.slug, i % 2 === 0 ? 1 + i : 30 - i]));
    const order = startOrder(examples, seconds);
    expect(order.map((e) => seconds[e.slug])).toEqual(Object.values(seconds).sort((a, b) => b - a));
  });

  it('with no timings (a fresh clone), later chapters first; timed examples before untimed ones', () => {
    expect(slugs(startOrder(examples, {}))).toEqual(slugs([...examples].reverse()));
    const [first, ...rest] = examples.map((e) => e.slug);
    expect(slugs(startOrder(examples, { [first ?? '']: 0.1 }))).toEqual([first, ...rest.reverse()]);
  });
});

describe('catalog output', () => {
  it('renders the README table and the terminal listing from the manifests', () => {
    expect(examplesTable(examples).split('\n')[2]).toBe(
      '| [01-clean](examples/01-clean) | Q1 | fixture clean | — | `only` |',
    );
    expect(examplesListing(examples).split('\n')[2]).toMatch(/^clean\s+Q1\s+fixture clean\s+-\s+only$/);
  });

  it('prints the closing line CI reads', () => {
    const total = addCounts({ passed: 3, failed: 1, skipped: 0 }, { passed: 2, failed: 0, skipped: 2 });
    expect(summaryLine(total)).toBe('tests: 5 passed, 1 failed, 2 skipped');
    expect(summaryLine({ passed: 7, failed: 0, skipped: 0 })).toBe('tests: 7 passed, 0 failed');
  });
});
