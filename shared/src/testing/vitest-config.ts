import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { CountReporter } from './count-reporter.js';
import { testFileGlobs } from './test-paths.js';

const globalSetup = fileURLToPath(new URL('./global-setup.ts', import.meta.url));
const mutantEnv = fileURLToPath(new URL('./mutant-env.ts', import.meta.url));

/**
 * The settings every package tests with: services resolved once by the global setup, a count of
 * passed and failed tests (broken files and unhandled errors included) that `pnpm test` sums, and
 * timeouts sized for a loaded 2-core machine.
 */
export function cookbookVitestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      globalSetup: [globalSetup],
      // Carries a StrykerJS mutant into the child processes that tests start.
      setupFiles: [mutantEnv],
      // Tests sit next to the recipe they prove (`<recipe>/*.test.ts`) or under test/.
      include: testFileGlobs(basename(process.cwd())),
      reporters: ['default', new CountReporter('test-results.json')],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // `vitest run --coverage`: what the package's tests execute of the code a reader copies. Code
      // that only child processes run shows as uncovered here, as it does to StrykerJS.
      coverage: {
        provider: 'v8',
        include: ['**/*.ts'],
        exclude: ['**/*.test.ts', '**/*.bench.ts', '**/demo.ts', '**/test/**', 'src/main.ts', 'vitest.config.ts'],
        reporter: ['text-summary', 'text'],
      },
      ...overrides,
    },
  });
}
