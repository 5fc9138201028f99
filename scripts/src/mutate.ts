import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMain } from '@cookbook/shared';
import { type Example, findExample, loadCatalog, ROOT } from './catalog.js';
import { ChildGroup } from './child-group.js';
import { isCopyable, listFiles } from './recipe-layout.js';
import { fillBlock } from './regions.js';

/** The files a package's mutation score covers: the copyable code of its recipes and shared parts. */
export function mutatedFiles(example: Example, recipe?: string): string[] {
  const folders = listFiles(recipe ? join(example.dir, recipe) : example.dir)
    .filter((path) => isCopyable(path) && !relative(example.dir, path).startsWith('src/'))
    .map((path) => relative(example.dir, path));
  return folders.filter((path) => !path.startsWith('bench/') && !path.startsWith('test/')).sort();
}

/** A digest of those files, stored beside the score, so a stale score can be told from a fresh one. */
export function sourcesDigest(example: Example, files = mutatedFiles(example)): string {
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(example.dir, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 12);
}

/**
 * The Stryker settings that work on this toolchain, once for every package: the vitest runner named
 * by path (pnpm hides it from Stryker's core), in place (its sandbox copy breaks the vitest config's
 * relative import), and no TypeScript checker (TypeScript 7 has no JS API for it to call).
 * Known limit: code that tests run only in a child process is reported as not covered.
 */
export function strykerConfig(example: Example, files: readonly string[], reportFile: string): object {
  return {
    testRunner: 'vitest',
    plugins: [join(ROOT, 'node_modules/@stryker-mutator/vitest-runner/dist/src/index.js')],
    vitest: { configFile: join(example.dir, 'vitest.config.ts') },
    inPlace: true,
    mutate: files,
    checkers: [],
    tsconfigFile: 'tsconfig.stryker-none.json',
    disableTypeChecks: false,
    concurrency: 2,
    timeoutMS: 30_000,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: reportFile },
    tempDirName: join(ROOT, '.cache/stryker-tmp', example.folder),
  };
}

interface MutantReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Killed and timed-out mutants count as detected; the score is detected over all that ran. */
export function scoreOf(report: MutantReport): { detected: number; survived: number; total: number; percent: number } {
  const statuses = Object.values(report.files).flatMap((file) => file.mutants.map((m) => m.status));
  const detected = statuses.filter((s) => s === 'Killed' || s === 'Timeout').length;
  const survived = statuses.filter((s) => s === 'Survived' || s === 'NoCoverage').length;
  const total = detected + survived;
  return { detected, survived, total, percent: total === 0 ? 0 : (100 * detected) / total };
}

async function mutate(example: Example, recipe: string | undefined, group: ChildGroup): Promise<number> {
  const files = mutatedFiles(example, recipe);
  const workDir = join(ROOT, '.cache/mutation', example.folder, recipe ?? '');
  mkdirSync(workDir, { recursive: true });
  const reportFile = join(workDir, 'report.json');
  const configFile = join(workDir, 'stryker.config.json');
  writeFileSync(configFile, JSON.stringify(strykerConfig(example, files, reportFile), null, 2));
  console.log(`mutating ${files.length} files of ${example.folder}`);
  const stryker = join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js');
  const code = await group.run(process.execPath, [stryker, 'run', configFile], { cwd: example.dir, env: process.env });
  if (code !== 0 || !existsSync(reportFile)) return code ?? 1;
  const score = scoreOf(JSON.parse(readFileSync(reportFile, 'utf8')) as MutantReport);
  const line = [
    `Mutation score: **${score.percent.toFixed(1)}%** (${score.detected} of ${score.total} mutants killed or timed out,`,
    `${score.survived} survived) over ${files.length} files, sources ${sourcesDigest(example, files)}.`,
    `_StrykerJS 10, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}: \`pnpm mutate ${[example.slug, recipe].filter(Boolean).join(' ')}\`._`,
  ].join(' ');
  // A recipe's score goes into its own README; the whole package's into the index.
  const readmePath = join(example.dir, recipe ?? '', 'README.md');
  writeFileSync(readmePath, fillBlock(readFileSync(readmePath, 'utf8'), 'mutation', line, relative(ROOT, readmePath)));
  console.log(line);
  return 0;
}

if (isMain(import.meta.url)) {
  const [name, recipe] = process.argv.slice(2);
  const example = name ? findExample(loadCatalog().examples, name) : undefined;
  if (!example || (recipe !== undefined && !(recipe in example.recipes))) {
    console.error('usage: pnpm mutate <example> [recipe]  (StrykerJS over its recipe files, against its real tests)');
    process.exit(2);
  }
  const group = new ChildGroup();
  const code = await mutate(example, recipe, group);
  process.exit(group.interrupted ? 130 : code);
}
