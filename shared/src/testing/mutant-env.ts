import { afterAll, afterEach, beforeEach, inject } from 'vitest';
import { ALL_TESTS_VARIABLE } from './test-paths.js';

/**
 * Under StrykerJS the active mutant lives on a global of the test worker, which a child process,
 * a cluster worker or a worker thread never sees: code that tests run only there would be tested
 * unmutated. Stryker's instrumented code also reads this variable, so setting it before each test
 * carries the mutant into every process the test starts (children inherit the environment).
 */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
const stryker = () =>
  (globalThis as { __stryker__?: { activeMutant?: unknown; mutantCoverage?: unknown } }).__stryker__;

declare module 'vitest' {
  /** What Stryker's vitest runner provides its test workers (its own setup file reads the same). */
  interface ProvidedContext {
    mode?: 'dry-run' | 'mutant';
    activeMutant?: string;
    globalNamespace?: string;
  }
}

/**
 * Stryker's vitest runner (10.0) activates a mutant in a beforeAll hook when it runs only the tests
 * that cover it: after the test file has imported the code, so a mutant in what a module computes
 * once on import (a regex, an exported constant) is never active, and survives the tests that kill
 * it by hand (stryker-js#6209). Setup files run before the test file's imports: activating it here
 * makes those mutants count. For every other mutant the runner's own hook sets the same value.
 */
if (process.env.STRYKER_MUTATOR_WORKER !== undefined) {
  const active = inject('mode') === 'mutant' ? inject('activeMutant') : undefined;
  if (active !== undefined) {
    const spaces = globalThis as unknown as Record<string, { activeMutant?: unknown } | undefined>;
    const name = inject('globalNamespace') ?? '__stryker__';
    spaces[name] ??= {};
    spaces[name].activeMutant = active;
  }
  // Now too, not only before each test: a child process started in a file's beforeAll (a service
  // the whole file talks to) ran unmutated, and 10's error-tracking 5xx tests let mutants survive
  // that emptied the very response body they check.
  if (active === undefined) delete process.env[ACTIVE_MUTANT];
  else process.env[ACTIVE_MUTANT] = String(active);
}

beforeEach(() => {
  const active = stryker()?.activeMutant;
  if (active === undefined) delete process.env[ACTIVE_MUTANT];
  else process.env[ACTIVE_MUTANT] = String(active);
});

/**
 * A mutant that makes the code throw where no one listens (an 'error' event without a handler)
 * fails `pnpm test`, which counts unhandled errors, but Stryker reads only the tests' own results
 * and would call it survived. Under Stryker, such an error fails the test it happened in.
 */
const unhandled: unknown[] = [];
// Only in a Stryker worker: any listener of ours turns off vitest's own report of these errors
// (it steps aside when the process has a handler), which would let every other run pass them by.
if (process.env.STRYKER_MUTATOR_WORKER !== undefined) {
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      if (stryker() !== undefined) unhandled.push(error);
    });
  }
}
afterEach(() => {
  const errors = unhandled.splice(0);
  if (errors.length > 0) throw new Error(`unhandled during this test: ${errors.map(String).join('; ')}`);
});

/**
 * `pnpm mutate --all-tests`: Stryker's vitest runner hands back the coverage it saw even when
 * coverageAnalysis is "off", so a mutant that only a child process reaches is planned with no test
 * at all and reported NoCoverage. Reporting no coverage makes Stryker run every test against every
 * mutant, as the flag says. After hooks run last-registered first, so this runs before the runner's
 * own, which copies the coverage into the file's results.
 */
if (process.env[ALL_TESTS_VARIABLE] === '1') {
  afterAll(() => {
    const ns = stryker();
    if (ns) delete ns.mutantCoverage;
  });
}
