import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_TESTS_VARIABLE, isMain, TEST_PATHS_VARIABLE } from '@cookbook/shared';
import { type Example, findExample, loadCatalog, ROOT } from './catalog.js';
import { ChildGroup } from './child-group.js';
import { retestStaticSurvivors, testSupportDigest } from './incremental.js';
import {
  mergeScores,
  mutatedFiles,
  mutationBlock,
  parseScores,
  renderScores,
  rowsFromReport,
} from './mutation-scores.js';
import { fillBlock } from './regions.js';

const USAGE = `usage: pnpm mutate <example> [folder…] [--all-tests]

StrykerJS over the copyable files of the example's recipes and shared parts (or only those under
the named folders; a path such as app/api or app/errors.ts narrows a big folder), against the package's real tests and services. Each file's row in the package README's
mutation table is replaced; the catalog check fails a row older than its file.

  --all-tests  run every test of the named recipes (of the package, with no folder named) against
               every mutant, for code that tests reach only in child processes (servers, workers,
               crash fixtures), where Stryker sees no coverage`;

/**
 * The Stryker settings that work on this toolchain, once for every package: the vitest runner named
 * by path (pnpm hides it from Stryker's core), in place (its sandbox copy breaks the vitest config's
 * relative import), no TypeScript checker (TypeScript 7 has no JS API for it to call), and an
 * incremental file, so a rerun after a new test only runs the mutants that test could change.
 * Code that tests run only in a child process reports no coverage: `--all-tests` mutates it too.
 */
export function strykerConfig(example: Example, files: readonly string[], workDir: string, allTests = false): object {
  return {
    testRunner: 'vitest',
    plugins: [join(ROOT, 'node_modules/@stryker-mutator/vitest-runner/dist/src/index.js')],
    // A child process reports no coverage, so for its code every test runs (the mutant reaches the
    // child through the environment: see @cookbook/shared's mutant-env setup file).
    // Forks, as `pnpm test` runs them: Stryker's default (threads) overrides the config, and a native
    // addon still working when a worker thread is torn down (bcrypt in 05) aborts the whole runner.
    vitest: { configFile: join(example.dir, 'vitest.config.ts'), related: !allTests, pool: 'forks' },
    coverageAnalysis: allTests ? 'off' : 'perTest',
    inPlace: true,
    mutate: files,
    checkers: [],
    tsconfigFile: 'tsconfig.stryker-none.json',
    // Instrumented files get `// @ts-nocheck`, so a test that compiles the package (09's build) still can.
    disableTypeChecks: true,
    concurrency: 2,
    timeoutMS: 30_000,
    // The first, unmutated run is the whole related suite on real services: minutes on a busy machine.
    dryRunTimeoutMinutes: 30,
    // Not with --all-tests: with no coverage, Stryker sees no test covering a mutant, so it reused
    // every old result even after a new test file that kills them (09's start.ts stayed at 63.6%).
    incremental: !allTests,
    incrementalFile: join(workDir, 'incremental.json'),
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: join(workDir, 'report.json') },
    tempDirName: join(ROOT, '.cache/stryker-tmp', example.folder),
  };
}

/**
 * The environment of Stryker's test runs. Its vitest runner reports coverage whatever
 * coverageAnalysis says, so a mutant that only a child process reaches would run no test
 * (NoCoverage): with `--all-tests` the setup file reports none. Every test then runs for every
 * mutant, so only the tests of the recipes named (the first part of each path) run, not the package's.
 */
export function mutantTestEnv(
  example: Example,
  folders: readonly string[],
  allTests: boolean,
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  if (!allTests) return env;
  const recipes = [...new Set(folders.map((folder) => folder.split('/')[0] ?? folder))];
  const narrowed = recipes.length > 0 ? { [TEST_PATHS_VARIABLE]: JSON.stringify({ [example.folder]: recipes }) } : {};
  return { ...env, [ALL_TESTS_VARIABLE]: '1', ...narrowed };
}

async function mutate(example: Example, folders: string[], allTests: boolean, group: ChildGroup): Promise<number> {
  const files = mutatedFiles(example, folders);
  if (files.length === 0) {
    console.error(`mutate: ${folders.join(', ')} holds no copyable source in examples/${example.folder}`);
    return 2;
  }
  const workDir = join(ROOT, '.cache/mutation', example.folder);
  mkdirSync(workDir, { recursive: true });
  const digestFile = join(workDir, 'test-support.sha256');
  const digest = testSupportDigest(example);
  if (!existsSync(digestFile) || readFileSync(digestFile, 'utf8') !== digest) {
    rmSync(join(workDir, 'incremental.json'), { force: true });
    console.log('mutate: the test helpers changed since the last run (or it is the first), so every mutant runs');
  }
  const retested = retestStaticSurvivors(join(workDir, 'incremental.json'));
  if (retested > 0) console.log(`mutate: ${retested} undetected module-level mutants run again`);
  const reportFile = join(workDir, 'report.json');
  rmSync(reportFile, { force: true });
  const configFile = join(workDir, 'stryker.config.json');
  writeFileSync(configFile, JSON.stringify(strykerConfig(example, files, workDir, allTests), null, 2));
  console.log(`mutating ${files.length} files of examples/${example.folder}`);
  const stryker = join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js');
  const env = mutantTestEnv(example, folders, allTests);
  const code = await group.run(process.execPath, [stryker, 'run', configFile], { cwd: example.dir, env });
  if (code !== 0 || !existsSync(reportFile)) return code ?? 1;
  writeFileSync(digestFile, digest);

  const date = new Date().toISOString().slice(0, 10);
  const fresh = rowsFromReport(example, JSON.parse(readFileSync(reportFile, 'utf8')), date, files);
  const readmePath = join(example.dir, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const withMarkers =
    mutationBlock(readme) === undefined
      ? `${readme.trimEnd()}\n\n## Mutation score\n\n<!-- mutation:start -->\n<!-- mutation:end -->\n`
      : readme;
  const rows = mergeScores(parseScores(mutationBlock(withMarkers) ?? ''), fresh, mutatedFiles(example));
  const table = renderScores(rows, `pnpm mutate ${example.slug} [folder…]`);
  writeFileSync(readmePath, fillBlock(withMarkers, 'mutation', table, `examples/${example.folder}/README.md`));
  console.log(`\n${table}`);
  return 0;
}

if (isMain(import.meta.url)) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, 'all-tests': { type: 'boolean' } },
  });
  const [name, ...folders] = positionals;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const example = name ? findExample(loadCatalog().examples, name) : undefined;
  const unknown = folders.filter((folder) => example && !existsSync(join(example.dir, folder)));
  if (!example || unknown.length > 0) {
    console.error(
      unknown.length > 0 ? `mutate: no folder ${unknown.join(', ')} in examples/${example?.folder}` : USAGE,
    );
    process.exit(2);
  }
  const group = new ChildGroup();
  const code = await mutate(example, folders, values['all-tests'] === true, group);
  process.exit(group.interrupted ? 130 : code);
}
