import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Example, findExample, loadCatalog, ROOT } from './catalog.js';
import { mutationProblems } from './mutation-scores.js';
import { recipeLayoutProblems } from './recipe-layout.js';

/** What the catalog check demands of one example package; each string names a problem and its fix. */
export function checkExample(example: Example, rootReadme: string): string[] {
  const problems: string[] = [];
  const where = `examples/${example.folder}`;
  const readmePath = join(example.dir, 'README.md');
  if (!existsSync(readmePath)) problems.push(`${where}: no README.md`);
  if (!existsSync(join(example.dir, 'src/main.ts')))
    problems.push(`${where}: no src/main.ts (what \`pnpm example\` runs)`);
  if (!rootReadme.includes(`](examples/${example.folder})`)) {
    problems.push(`${where}: missing from the root README's table; run \`pnpm run docs\``);
  }
  if (existsSync(readmePath)) {
    const index = readFileSync(readmePath, 'utf8');
    for (const recipe of Object.keys(example.recipes)) {
      if (!index.includes(`](${recipe}/README.md)`) && !index.includes(`](${recipe}/)`)) {
        problems.push(`${where}: the README's recipe table does not link ${recipe}/README.md`);
      }
    }
    // The mutation table is generated, a row per file: it grows with the code, not with the prose.
    const prose = index.replace(/<!-- mutation:start -->[\s\S]*?<!-- mutation:end -->/, '');
    if (prose.split('\n').length > 150) {
      problems.push(`${where}: README.md is over 150 lines besides its mutation table; it is an index`);
    }
  }
  return problems;
}

/** Every `pnpm test <name>/<path>` a README of the package shows names this package and a path in it. */
export function testCommandProblems(example: Example, examples: readonly Example[]): string[] {
  const readmes = ['README.md', ...readdirSync(example.dir).map((entry) => join(entry, 'README.md'))];
  return readmes
    .filter((readme) => existsSync(join(example.dir, readme)))
    .flatMap((readme) =>
      [...readFileSync(join(example.dir, readme), 'utf8').matchAll(/pnpm test ([\w-]+)\/([\w./-]+)/g)]
        .filter(([, name = '', path = '']) => {
          return findExample(examples, name) !== example || !existsSync(join(example.dir, path));
        })
        .map(([command]) => `examples/${example.folder}/${readme}: \`${command}\` names no test path of this package`),
    );
}

export function checkCatalog(root = ROOT): string[] {
  const { examples, problems } = loadCatalog(join(root, 'examples'));
  const rootReadme = readFileSync(join(root, 'README.md'), 'utf8');
  const layout = [
    ...examples.flatMap(recipeLayoutProblems),
    ...examples.flatMap((e) => testCommandProblems(e, examples)),
  ];
  const staleScores = examples.flatMap((e) => {
    const { missing, stale } = mutationProblems(e);
    return [...missing, ...stale];
  });
  return [...problems, ...examples.flatMap((e) => checkExample(e, rootReadme)), ...layout, ...staleScores];
}

/** Copyable files no mutation table scores yet: listed by `pnpm catalog`, not yet a failure. */
export function unscoredFiles(root = ROOT): string[] {
  return loadCatalog(join(root, 'examples')).examples.flatMap((e) => mutationProblems(e).unscored);
}
