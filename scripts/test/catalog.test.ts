import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Example, editDistance, findExample, loadCatalog, loadExample, suggestExamples } from '../src/catalog.js';
import { checkExample, testCommandProblems } from '../src/catalog-check.js';
import { recipeLayoutProblems } from '../src/recipe-layout.js';

const fixtures = join(import.meta.dirname, 'fixtures/examples');

function exampleDir(folder: string, manifest: object): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'catalog-')), folder);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return dir;
}

describe('catalog', () => {
  const { examples, problems } = loadCatalog(fixtures);

  it('loads every example folder, sorted by number', () => {
    expect(problems).toEqual([]);
    expect(examples.map((e) => e.slug)).toEqual(['clean', 'failing', 'hanging', 'orphan']);
  });

  it('finds an example by slug, number, zero-padded number, folder and package name', () => {
    for (const name of ['failing', '2', '02', '02-failing', '@fixture/failing', 'FAILING']) {
      expect(findExample(examples, name)?.slug).toBe('failing');
    }
    expect(findExample(examples, 'nope')).toBeUndefined();
  });

  it('suggests the closest names for a typo', () => {
    expect(suggestExamples(examples, 'failng')[0]).toBe('failing');
    expect(suggestExamples(examples, 'han')).toContain('hanging');
    expect(suggestExamples(examples, 'zzzzzzzzzzzz')).toHaveLength(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('names the field a malformed manifest gets wrong', () => {
    const noRecipes = exampleDir('07-broken', {
      name: '@x/broken',
      cookbook: { question: 'Q7', title: 't', summary: 's' },
    });
    expect(() => loadExample(noRecipes)).toThrow(
      '07-broken/package.json: cookbook.recipes must name at least one recipe',
    );
    const todo = exampleDir('08-todo', {
      name: '@x/todo',
      cookbook: { question: 'Q8', title: 't', summary: 'TODO', recipes: { a: 'b' } },
    });
    expect(() => loadExample(todo)).toThrow('cookbook.summary must be a non-empty string');
    const badService = exampleDir('09-svc', {
      name: '@x/svc',
      cookbook: { question: 'Q9', title: 't', summary: 's', services: ['mongo'], recipes: { a: 'b' } },
    });
    expect(() => loadExample(badService)).toThrow('cookbook.services has "mongo"');
    expect(() => loadExample(exampleDir('badname', {}))).toThrow('folder must be named NN-slug');
  });

  it('the catalog check names each missing piece of the contract', () => {
    const clean = examples[0];
    if (!clean) throw new Error('fixture missing');
    const problemsFound = checkExample(clean, '# no table here');
    expect(problemsFound).toEqual([
      'examples/01-clean: no README.md',
      "examples/01-clean: missing from the root README's table; run `pnpm run docs`",
    ]);
  });
});

describe('the package README, an index', () => {
  it('is at most 150 lines, not counting the mutation table, which has a row per file', () => {
    const dir = exampleDir('03-index', {
      name: '@x/index',
      cookbook: { question: 'Q3', title: 't', summary: 's', recipes: { a: 'b' } },
    });
    const example = loadExample(dir);
    const table = [
      '<!-- mutation:start -->',
      ...Array.from({ length: 60 }, (_, i) => `| row ${i} |`),
      '<!-- mutation:end -->',
    ];
    const readme = (proseLines: number) => [...Array.from({ length: proseLines }, () => 'prose'), ...table].join('\n');
    const tooLong = 'examples/03-index: README.md is over 150 lines besides its mutation table; it is an index';
    writeFileSync(join(dir, 'README.md'), readme(140));
    expect(checkExample(example, '')).not.toContain(tooLong);
    writeFileSync(join(dir, 'README.md'), readme(151));
    expect(checkExample(example, '')).toContain(tooLong);
  });
});

describe('one recipe, one folder', () => {
  /** A package with one recipe folder, `bad/`, whose files are given, beside a shared part `broker/`. */
  function recipePackage(files: Record<string, string>): Example {
    const dir = exampleDir('05-layout', {
      name: '@x/layout',
      dependencies: { pg: '^8' },
      cookbook: { question: 'Q5', title: 't', summary: 's', recipes: { bad: 'b', missing: 'm' } },
    });
    for (const [path, text] of Object.entries({ 'broker/connect.ts': 'export const x = 1;\n', ...files })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return loadExample(dir);
  }

  it('asks for a folder, README, demo and test per recipe', () => {
    const problems = recipeLayoutProblems(recipePackage({ 'bad/x.ts': 'export const y = 2;\n' }));
    expect(problems).toEqual([
      'examples/05-layout/bad: no README.md',
      'examples/05-layout/bad: no demo.ts',
      'examples/05-layout/bad: no *.test.ts',
      'examples/05-layout: recipe "missing" has no folder missing/',
    ]);
  });

  it('lets copyable code import only Node, runtime dependencies and the shared parts its README names', () => {
    const complete = { 'bad/demo.ts': "import { recipe } from '@cookbook/shared';\n", 'bad/x.test.ts': '' };
    const unnamed = recipePackage({
      ...complete,
      'bad/README.md': 'No shared part named here.\n',
      'bad/x.ts': [
        "import { readFile } from 'node:fs';",
        "import pg from 'pg';",
        "import { isMain } from '@cookbook/shared';",
        "import express from 'express';",
        "import { x } from '../broker/connect.js';",
      ].join('\n'),
    });
    expect(recipeLayoutProblems(unnamed).filter((p) => p.includes('bad/x.ts'))).toEqual([
      'examples/05-layout/bad/x.ts: imports @cookbook/shared; recipe code takes services as parameters',
      "examples/05-layout/bad/x.ts: imports express, which is not in the package's dependencies",
      'examples/05-layout/bad/x.ts: imports ../broker/connect.js, outside its folder and the shared parts its README names',
    ]);
    const named = recipePackage({
      ...complete,
      'bad/README.md': 'Copy `../broker/` too.\n',
      'bad/x.ts': "import { x } from '../broker/connect.js';\n",
    });
    expect(recipeLayoutProblems(named).filter((p) => p.includes('bad/'))).toEqual([]);
  });

  it('holds every `pnpm test name/path` a README shows to a real path of the package', () => {
    const example = recipePackage({
      'bad/x.test.ts': '',
      'bad/README.md': 'pnpm test layout/bad\npnpm test 5/bad/x.test.ts\npnpm test layout/gone\npnpm test other/bad\n',
    });
    expect(testCommandProblems(example, [example])).toEqual([
      'examples/05-layout/bad/README.md: `pnpm test layout/gone` names no test path of this package',
      'examples/05-layout/bad/README.md: `pnpm test other/bad` names no test path of this package',
    ]);
  });
});
