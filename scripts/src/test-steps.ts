import type { Example } from './catalog.js';

export interface Step {
  name: string;
  command: string;
  args: string[];
  /** A per-example check (copy, smoke) that replays its last pass while the example's inputs are unchanged. */
  perExample?: { examples: readonly Example[]; args: (examples: readonly Example[]) => string[] };
}

/** The step whose failures are already counted, test by test, in the packages' reports. */
export const TESTS_STEP = 'tests';

/**
 * The checks of a run. `COOKBOOK_NODE_LINE_ONLY=1` (CI's second and third Node lines) keeps what a
 * Node line can change, to fit three lines in CI's 15 minutes on two cores: the tests of the shared
 * harness and of the packages whose claims are about the runtime itself (`everyNodeLine`), and every
 * example's smoke run. Lint, typecheck (TypeScript 7 is a native binary), catalog, docs and copy
 * checks read text with tools that do not run on Node, and give the same answer on every line.
 * `examples` are the packages run whole, which the copy and smoke checks cover.
 */
export function steps(
  examples: readonly Example[],
  packages: readonly string[],
  lineOnly: boolean,
  all: boolean,
): Step[] {
  const filters = packages.map((name) => `--filter=${name}`);
  const flags = ['--concurrency=2', '--continue', '--output-logs=new-only'];
  const turbo = lineOnly ? ['run', 'test', '--only', ...flags] : ['run', 'typecheck', 'test', ...flags];
  const textChecks = all && !lineOnly;
  return [
    ...(textChecks ? [{ name: 'lint', command: 'biome', args: ['ci', '.'] }] : []),
    ...(filters.length > 0 ? [{ name: TESTS_STEP, command: 'turbo', args: [...turbo, ...filters] }] : []),
    ...(textChecks ? [{ name: 'catalog', command: 'tsx', args: ['scripts/src/catalog-cli.ts'] }] : []),
    ...(textChecks ? [{ name: 'docs', command: 'tsx', args: ['scripts/src/docs.ts', '--check'] }] : []),
    ...(lineOnly || examples.length === 0
      ? []
      : [perExample('copy', examples, (some) => ['scripts/src/copy-check.ts', ...some.map((e) => e.folder)])]),
    ...(examples.length === 0
      ? []
      : [perExample('smoke', examples, (some) => ['scripts/src/example.ts', '--smoke', ...some.map((e) => e.slug)])]),
  ];
}

function perExample(name: string, examples: readonly Example[], args: (some: readonly Example[]) => string[]): Step {
  return { name, command: 'tsx', args: args(examples), perExample: { examples, args } };
}
