import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Example, loadCatalog, ROOT } from './catalog.js';
import { recipeLayoutProblems } from './recipe-layout.js';

/** What the catalog check demands of one example package; each string names a problem and its fix. */
export function checkExample(example: Example, rootReadme: string): string[] {
  const problems: string[] = [];
  const where = `examples/${example.folder}`;
  const readmePath = join(example.dir, 'README.md');
  if (!existsSync(readmePath)) problems.push(`${where}: no README.md`);
  if (!existsSync(join(example.dir, 'src/main.ts')))
    problems.push(`${where}: no src/main.ts (what \`pnpm example\` runs)`);
  const testDir = join(example.dir, 'test');
  const tests = existsSync(testDir) ? readdirSync(testDir).filter((f) => f.endsWith('.test.ts')) : [];
  if (tests.length === 0) problems.push(`${where}: no test/*.test.ts`);
  if (!rootReadme.includes(`](examples/${example.folder})`)) {
    problems.push(`${where}: missing from the root README's table; run \`pnpm run docs\``);
  }
  if (existsSync(readmePath)) {
    const headings = readFileSync(readmePath, 'utf8')
      .split('\n')
      .filter((line) => /^#{2,4} /.test(line));
    for (const recipe of Object.keys(example.recipes)) {
      if (!headings.some((h) => h.includes(recipe))) {
        problems.push(`${where}: README has no section heading naming the recipe "${recipe}"`);
      }
    }
  }
  return problems;
}

export function checkCatalog(root = ROOT): string[] {
  const { examples, problems } = loadCatalog(join(root, 'examples'));
  const rootReadme = readFileSync(join(root, 'README.md'), 'utf8');
  // One recipe, one folder: enforced for every package once the layout move lands (COOKBOOK_LAYOUT=1 until then).
  const layout = process.env.COOKBOOK_LAYOUT === '1' ? examples.flatMap(recipeLayoutProblems) : [];
  return [...problems, ...examples.flatMap((e) => checkExample(e, rootReadme)), ...layout];
}
