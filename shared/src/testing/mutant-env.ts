import { beforeEach } from 'vitest';

/**
 * Under StrykerJS the active mutant lives on a global of the test worker, which a child process,
 * a cluster worker or a worker thread never sees: code that tests run only there would be tested
 * unmutated. Stryker's instrumented code also reads this variable, so setting it before each test
 * carries the mutant into every process the test starts (children inherit the environment).
 */
const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';

beforeEach(() => {
  const active = (globalThis as { __stryker__?: { activeMutant?: unknown } }).__stryker__?.activeMutant;
  if (active === undefined) delete process.env[ACTIVE_MUTANT];
  else process.env[ACTIVE_MUTANT] = String(active);
});
