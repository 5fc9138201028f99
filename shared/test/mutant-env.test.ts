import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const config = fileURLToPath(new URL('./fixtures/mutant-env/vitest.config.ts', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cookbook-mutant-env-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Seen {
  atImport: unknown;
  childAtBeforeAll: string;
}

/** Runs the probe under a nested vitest, set up as Stryker's runner sets up a worker. */
async function probe(provide: object, env: NodeJS.ProcessEnv): Promise<Seen> {
  const report = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const { __STRYKER_ACTIVE_MUTANT__: _inherited, STRYKER_MUTATOR_WORKER: _worker, ...base } = process.env;
  await promisify(execFile)(process.execPath, [vitestBin, 'run', '--config', config], {
    env: { ...base, ...env, MUTANT_ENV_PROVIDE: JSON.stringify(provide), MUTANT_ENV_REPORT: report },
  });
  return JSON.parse(await readFile(report, 'utf8')) as Seen;
}

describe("mutant-env: the active mutant reaches code Stryker's own hook comes too late for", () => {
  it('a module-level value and a child started in beforeAll both see the mutant under test', async () => {
    const seen = await probe({ mode: 'mutant', activeMutant: '42' }, { STRYKER_MUTATOR_WORKER: '1' });
    expect(seen).toEqual({ atImport: '42', childAtBeforeAll: '42' });
  });

  it("in Stryker's dry run no mutant is active, even one left in the environment by an earlier run", async () => {
    const seen = await probe({ mode: 'dry-run' }, { STRYKER_MUTATOR_WORKER: '1', __STRYKER_ACTIVE_MUTANT__: '9' });
    expect(seen).toEqual({ atImport: null, childAtBeforeAll: 'none' });
  });

  it('outside Stryker (pnpm test) it does nothing', async () => {
    const seen = await probe({ mode: 'mutant', activeMutant: '42' }, {});
    expect(seen).toEqual({ atImport: null, childAtBeforeAll: 'none' });
  });
});
