import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Example, loadExample } from '../src/catalog.js';
import { testSupportDigest } from '../src/incremental.js';
import { mutantTestEnv, strykerConfig } from '../src/mutate.js';
import {
  mergeScores,
  mutatedFiles,
  mutationProblems,
  parseScores,
  renderScores,
  rowsFromReport,
} from '../src/mutation-scores.js';

/** A package with one recipe (code, demo, test) and one shared part, and the README given. */
function scoredExample(readme: (example: Example) => string): Example {
  const dir = join(mkdtempSync(join(tmpdir(), 'mutation-')), '01-scored');
  const manifest = { name: '@fixture/scored', cookbook: { question: 'Q1', title: 'T', summary: 'S', services: [] } };
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ ...manifest, cookbook: { ...manifest.cookbook, recipes: { lock: 'a lock' } } }),
    'lock/lock.ts': 'export const held = true;\n',
    'lock/demo.ts': 'export {};\n',
    'lock/lock.test.ts': 'export {};\n',
    'lock/test/fixture.ts': 'export {};\n',
    'broker/connection.ts': 'export const url = "amqp://";\n',
    'dist/lock/lock.js': 'export const held = true;\n', // a build's output, which git ignores
    'src/main.ts': 'export {};\n',
    'README.md': '',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const example = loadExample(dir);
  writeFileSync(join(dir, 'README.md'), readme(example));
  return example;
}

const report = (example: Example) => ({
  files: {
    [join(example.dir, 'lock/lock.ts')]: {
      mutants: ['Killed', 'Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored'].map((status) => ({ status })),
    },
    'broker/connection.ts': { mutants: [{ status: 'Killed' }] },
  },
});

const withTable = (example: Example, rows = rowsFromReport(example, report(example), '2026-12-01')) =>
  `# Scored\n\n<!-- mutation:start -->\n${renderScores(rows, 'pnpm mutate scored')}\n<!-- mutation:end -->\n`;

describe('mutation scores', () => {
  it('covers the copyable files of recipes and shared parts, not demos, tests, fixtures, main or dist', () => {
    const example = scoredExample(() => '');
    expect(mutatedFiles(example)).toEqual(['broker/connection.ts', 'lock/lock.ts']);
    expect(mutatedFiles(example, ['broker'])).toEqual(['broker/connection.ts']);
    expect(mutatedFiles(example, ['lock/lock.ts', 'broke'])).toEqual(['lock/lock.ts']); // a file; no prefix match
  });

  it('counts timed-out mutants as detected and ignored ones apart, per file, paths relative to the package', () => {
    const example = scoredExample(() => '');
    const [lock] = rowsFromReport(example, report(example), '2026-12-01');
    expect(lock).toMatchObject({ file: 'lock/lock.ts', killed: 3, survived: 1, noCoverage: 1, ignored: 1 });
  });

  it('takes rows only for the files this run mutated, not those the report remembers from earlier runs', () => {
    const example = scoredExample(() => '');
    const rows = rowsFromReport(example, report(example), '2026-12-01', ['broker/connection.ts']);
    expect(rows.map((row) => row.file)).toEqual(['broker/connection.ts']);
  });

  it('reads back the table it writes, and bolds a file under the goal', () => {
    const example = scoredExample(withTable);
    const rows = rowsFromReport(example, report(example), '2026-12-01');
    const table = renderScores(rows, 'pnpm mutate scored');
    expect(parseScores(table)).toEqual(rows.toSorted((a, b) => a.file.localeCompare(b.file)));
    expect(table).toContain('| **60.0%** |');
    expect(table).toContain('| 100.0% |');
    expect(table).toMatch(/Mutation score \*\*66\.7%\*\*: 4 of 6 mutants/);
  });

  it('a rerun of one folder replaces its rows and keeps the others; a deleted file loses its row', () => {
    const old = [
      { file: 'a/a.ts', killed: 1, survived: 1, noCoverage: 0, ignored: 0, digest: '0000000000', date: '2026-11-30' },
      { file: 'b/b.ts', killed: 2, survived: 0, noCoverage: 0, ignored: 0, digest: '1111111111', date: '2026-11-30' },
      {
        file: 'gone/x.ts',
        killed: 2,
        survived: 0,
        noCoverage: 0,
        ignored: 0,
        digest: '2222222222',
        date: '2026-11-30',
      },
    ];
    const fresh = [{ ...(old[0] as (typeof old)[0]), killed: 2, survived: 0, date: '2026-12-01' }];
    const merged = mergeScores(old, fresh, ['a/a.ts', 'b/b.ts']);
    expect(merged.map((r) => [r.file, r.killed, r.date])).toEqual([
      ['a/a.ts', 2, '2026-12-01'],
      ['b/b.ts', 2, '2026-11-30'],
    ]);
  });

  it('the catalog check fails a package with no table and a row older than its file, and lists files with no row', () => {
    expect(mutationProblems(scoredExample(withTable))).toEqual({ missing: [], stale: [], unscored: [] });

    const unscored = mutationProblems(scoredExample(() => '# no table\n'));
    expect(unscored.missing).toEqual([
      'examples/01-scored/README.md: no mutation score at all; run `pnpm mutate scored <folder>` on a recipe it proves',
    ]);
    expect(unscored.unscored).toEqual([
      'examples/01-scored/README.md: broker/connection.ts has no mutation score; run `pnpm mutate scored broker`',
      'examples/01-scored/README.md: lock/lock.ts has no mutation score; run `pnpm mutate scored lock`',
    ]);

    const partial = scoredExample((e) => withTable(e, rowsFromReport(e, report(e), '2026-12-01').slice(0, 1)));
    expect(mutationProblems(partial)).toEqual({
      missing: [],
      stale: [],
      unscored: [
        'examples/01-scored/README.md: broker/connection.ts has no mutation score; run `pnpm mutate scored broker`',
      ],
    });

    const stale = scoredExample(withTable);
    writeFileSync(join(stale.dir, 'lock/lock.ts'), 'export const held = false;\n');
    expect(mutationProblems(stale)).toEqual({
      missing: [],
      stale: [
        'examples/01-scored/README.md: the mutation score of lock/lock.ts is older than the file; run `pnpm mutate scored lock`',
      ],
      unscored: [],
    });
  });

  it("changes its test-support digest with a test folder's helper or the shared code, not with the code under test", () => {
    const example = scoredExample(() => '');
    const shared = join(example.dir, 'src'); // stands in for @cookbook/shared
    const before = testSupportDigest(example, shared);
    writeFileSync(join(example.dir, 'lock/lock.ts'), 'export const held = false;\n');
    expect(testSupportDigest(example, shared)).toBe(before); // Stryker tracks the mutated code itself
    writeFileSync(join(example.dir, 'lock/test/fixture.ts'), 'export const stronger = true;\n');
    const helperChanged = testSupportDigest(example, shared);
    expect(helperChanged).not.toBe(before);
    writeFileSync(join(example.dir, 'src/main.ts'), 'export const shared = 1;\n');
    expect(testSupportDigest(example, shared)).not.toBe(helperChanged);
  });

  it('--all-tests runs every test of the recipes named, or of the package when none is, and only then', () => {
    const example = scoredExample(() => '');
    const env = { PATH: '/bin' };
    expect(mutantTestEnv(example, ['lock'], false, env)).toBe(env);
    expect(mutantTestEnv(example, [], true, env)).toEqual({ PATH: '/bin', COOKBOOK_MUTATE_ALL_TESTS: '1' });
    expect(mutantTestEnv(example, ['lock/lock.ts', 'lock', 'queue/worker'], true, env)).toEqual({
      PATH: '/bin',
      COOKBOOK_MUTATE_ALL_TESTS: '1',
      COOKBOOK_TEST_PATHS: JSON.stringify({ [example.folder]: ['lock', 'queue'] }),
    });
  });

  it('reruns only changed mutants, except with --all-tests, where no coverage says which tests changed what', () => {
    const example = scoredExample(() => '');
    expect(strykerConfig(example, [], '/tmp/work')).toMatchObject({ incremental: true, coverageAnalysis: 'perTest' });
    expect(strykerConfig(example, [], '/tmp/work', true)).toMatchObject({
      incremental: false,
      coverageAnalysis: 'off',
    });
  });
});
