import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { loadCatalog, ROOT } from './catalog.js';
import { addCounts, type Counts, clearResults, readResults, summaryLine } from './test-results.js';

/**
 * `pnpm test`: lint, typecheck and every package's tests (through turbo, so unchanged packages come
 * from cache), then the catalog check, the docs check and the smoke run. Ends with one line that
 * sums every package's vitest results.
 */
interface Step {
  name: string;
  command: string;
  args: string[];
}

const nodeVersion = process.version;
const env = { ...process.env, COOKBOOK_NODE_VERSION: nodeVersion };

const steps: Step[] = [
  { name: 'lint', command: 'biome', args: ['ci', '.'] },
  {
    name: 'typecheck + tests',
    command: 'turbo',
    args: ['run', 'typecheck', 'test', '--concurrency=2', '--continue', '--output-logs=new-only'],
  },
  { name: 'catalog', command: 'tsx', args: ['scripts/src/catalog-cli.ts'] },
  { name: 'docs', command: 'tsx', args: ['scripts/src/docs.ts', '--check'] },
  { name: 'smoke', command: 'tsx', args: ['scripts/src/example.ts', '--smoke'] },
];

function run(step: Step): boolean {
  console.log(`\n▶ ${step.name} (${[step.command, ...step.args].join(' ')})`);
  const result = spawnSync(step.command, step.args, { cwd: ROOT, env, stdio: 'inherit' });
  if (result.error) console.error(`${step.name}: could not start ${step.command}: ${result.error.message}`);
  return result.status === 0;
}

function main(): number {
  const { examples } = loadCatalog();
  const packageDirs = [join(ROOT, 'shared'), join(ROOT, 'scripts'), ...examples.map((e) => e.dir)];
  console.log(`Node ${nodeVersion} (${process.execPath})`);
  clearResults(packageDirs);
  const failedSteps = steps.filter((step) => !run(step)).map((step) => step.name);

  let total: Counts = { passed: 0, failed: 0, skipped: 0 };
  console.log(`\nTest results on Node ${nodeVersion}:`);
  for (const dir of packageDirs) {
    const counts = readResults(dir);
    const name = relative(ROOT, dir);
    if (!counts) {
      // A package whose run died before reporting counts as one failure, never as silence.
      console.log(`  ${name.padEnd(28)} no report (its test run crashed or never started)`);
      total = addCounts(total, { passed: 0, failed: 1, skipped: 0 });
      continue;
    }
    console.log(`  ${name.padEnd(28)} ${counts.passed} passed, ${counts.failed} failed`);
    total = addCounts(total, counts);
  }
  if (failedSteps.length > 0) console.log(`\nFailed steps: ${failedSteps.join(', ')}`);
  console.log(summaryLine(total));
  return failedSteps.length === 0 && total.failed === 0 ? 0 : 1;
}

process.exit(main());
