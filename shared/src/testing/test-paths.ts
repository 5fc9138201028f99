/**
 * `pnpm test streams/csv-import` runs one recipe's tests: the runner hands each package the folders
 * and files it was given, as JSON keyed by package folder (`{ "02-streams": ["csv-import"] }`), and
 * the shared vitest config narrows that package's `include` to them.
 */
export const TEST_PATHS_VARIABLE = 'COOKBOOK_TEST_PATHS';

/** The `include` globs of a package: every test file, or only those under the paths it was given. */
export function testFileGlobs(packageFolder: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const chosen = (JSON.parse(env[TEST_PATHS_VARIABLE] ?? '{}') as Record<string, string[] | undefined>)[packageFolder];
  if (!chosen || chosen.length === 0) return ['**/*.test.ts'];
  return chosen.map((path) => (path.endsWith('.test.ts') ? path : `${path.replace(/\/+$/, '')}/**/*.test.ts`));
}

/** Set by `pnpm mutate --all-tests` for Stryker's test workers: see mutant-env.ts. */
export const ALL_TESTS_VARIABLE = 'COOKBOOK_MUTATE_ALL_TESTS';
