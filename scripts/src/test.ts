import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import { cleanupTestRun, TEST_PATHS_VARIABLE, TEST_RUN_VARIABLE } from '@cookbook/shared';
import { loadCatalog, ROOT } from './catalog.js';
import { ChildGroup } from './child-group.js';
import { preflight, preflightReport } from './preflight.js';
import { inputsDigest, StepCache } from './step-cache.js';
import { parseRequest } from './test-request.js';
import { addCounts, type Counts, clearResults, readResults, summaryLine } from './test-results.js';
import { type Step, steps, TESTS_STEP } from './test-steps.js';

const USAGE = `usage: pnpm test [name[/path]…]
  Checks the services every chosen package needs first (all packages when none is named), runs
  what can run (lint, typecheck, tests, catalog, docs, copy and smoke checks) and reports the rest as
  failed with the reason. Ends with one line: tests: N passed, N failed. Ctrl-C stops the run,
  waits for its cleanup and exits 130.
  A path after the name runs only the tests under it: pnpm test streams/csv-import,
  pnpm test 07/order-flow/system.test.ts.`;

const group = new ChildGroup();

async function run(step: Step, env: NodeJS.ProcessEnv, cache: StepCache): Promise<boolean> {
  if (!step.perExample) {
    console.log(`\n▶ ${step.name} (${[step.command, ...step.args].join(' ')})`);
    return (await group.run(step.command, step.args, { cwd: ROOT, env })) === 0;
  }
  const digests = new Map(step.perExample.examples.map((e) => [e, inputsDigest(ROOT, e, env)] as const));
  const stale = process.env.TURBO_FORCE === 'true' ? [...digests.keys()] : cache.stale(step.name, digests);
  const replayed = digests.size - stale.length;
  const args = step.perExample.args(stale);
  console.log(`\n▶ ${step.name} (${stale.length > 0 ? [step.command, ...args].join(' ') : 'nothing changed'})`);
  if (replayed > 0) console.log(`  ${replayed} of ${digests.size} passed before on the same inputs (cached)`);
  if (stale.length === 0) return true;
  const passed = (await group.run(step.command, args, { cwd: ROOT, env })) === 0;
  if (passed) cache.remember(step.name, new Map(stale.map((e) => [e, digests.get(e) as string])));
  return passed;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const { examples } = loadCatalog();
  const request = parseRequest(examples, argv);
  if (typeof request === 'string') {
    console.error(request);
    return 2;
  }
  const selected = request.examples;
  console.log(`Node ${process.version} (${process.execPath})\n\nServices:`);
  const found = await preflight(selected);
  for (const line of preflightReport(selected, found)) console.log(line);
  const runnable = selected.filter((e) => !found.blocked.has(e.folder));
  const all = runnable.length === examples.length && request.paths.size === 0;
  const lineOnly = process.env.COOKBOOK_NODE_LINE_ONLY === '1';
  const tested = lineOnly ? runnable.filter((e) => e.everyNodeLine) : runnable;
  const harness = all ? ['shared', ...(lineOnly ? [] : ['scripts'])] : [];
  const packageDirs = [...harness.map((dir) => join(ROOT, dir)), ...tested.map((e) => e.dir)];
  // A pnpm test run inside another one (the Ctrl-C test) must not delete the outer run's reports.
  if (process.env.COOKBOOK_NESTED_RUN !== '1') clearResults(packageDirs);

  // Marks every database the run's tests create, so what an interrupted file leaves can be dropped.
  const testRun = randomBytes(6).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...found.env,
    COOKBOOK_NODE_VERSION: process.version,
    [TEST_RUN_VARIABLE]: testRun,
    [TEST_PATHS_VARIABLE]: JSON.stringify(Object.fromEntries(request.paths)),
  };
  const failedSteps: string[] = [];
  try {
    const cache = new StepCache(ROOT);
    const packages = [...harness.map((dir) => `@cookbook/${dir}`), ...tested.map((e) => e.packageName)];
    // A package narrowed to some of its tests (`streams/csv-import`) runs only those: no copy or smoke check.
    const whole = runnable.filter((e) => !request.paths.has(e.folder));
    for (const step of runnable.length > 0 ? steps(whole, packages, lineOnly, all) : []) {
      if (group.interrupted) break;
      if (!(await run(step, env, cache))) failedSteps.push(step.name);
    }
  } finally {
    const urls = { databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, amqpUrl: env.AMQP_URL };
    const left = await cleanupTestRun(urls, testRun);
    if (left.databases.length > 0 || left.keys > 0 || left.queues > 0) {
      const counts = `${left.databases.length} databases, ${left.keys} Redis keys, ${left.queues} queue names`;
      console.log(`\ncleanup: removed what the run's tests left: ${counts}`);
    }
    await found.stop();
  }

  let total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: string[] = [];
  console.log(`\nTest results on Node ${process.version}:`);
  for (const dir of packageDirs) {
    const result = readResults(dir);
    const name = relative(ROOT, dir);
    // A package whose run died before reporting counts as one failure, never as silence.
    const line = result
      ? `${result.counts.passed} passed, ${result.counts.failed} failed`
      : 'no report (its run crashed, or never started)';
    console.log(`  ${name.padEnd(28)} ${line}`);
    total = addCounts(total, result?.counts ?? { passed: 0, failed: 1, skipped: 0 });
    failures.push(...(result?.failures ?? ['no report']).map((failure) => `${name}: ${failure}`));
  }
  for (const [folder, why] of found.blocked) {
    console.log(`  ${`examples/${folder}`.padEnd(28)} not run: ${why}`);
    total = addCounts(total, { passed: 0, failed: 1, skipped: 0 });
    failures.push(`examples/${folder}: not run, a service is missing (the Services list at the top says which)`);
  }
  // A failed check with no failed test behind it (lint, typecheck, docs, a smoke run) is a failure too.
  const testsFailed = total.failed > 0;
  for (const step of failedSteps) {
    if (step === TESTS_STEP && testsFailed) continue;
    total = addCounts(total, { passed: 0, failed: 1, skipped: 0 });
    failures.push(`the ${step} step (its output is above)`);
  }
  if (failedSteps.length > 0) console.log(`\nFailed steps: ${failedSteps.join(', ')}`);
  // `failed: ` lines are what .ci/run repeats at its very end, where a reader of CI's tail looks.
  for (const failure of failures) console.log(`failed: ${failure}`);
  console.log(summaryLine(total));
  if (group.interrupted) return 130;
  return failedSteps.length === 0 && total.failed === 0 && found.blocked.size === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
