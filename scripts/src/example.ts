import { isMain } from '@cookbook/shared';
import { type Example, findExample, loadCatalog, suggestExamples } from './catalog.js';
import { runExample, waitForExit } from './run-example.js';
import { smokeExample } from './smoke.js';
import { examplesListing } from './table.js';

const USAGE = `usage:
  pnpm example                            list the examples
  pnpm example <name> [recipe] [options]  run one (name: slug, number or package name); the
                                          options after the recipe reach it (\`--\` is optional)
  pnpm example <name> --help              list its recipes
  pnpm example --smoke [name…]            run every example (or the named ones) in smoke mode

Each recipe starts only the services it needs. Ctrl-C stops it and waits for its cleanup.`;

export interface Invocation {
  smoke: boolean;
  help: boolean;
  name?: string;
  recipe?: string;
  args: string[];
  smokeNames: string[];
}

/**
 * `<name> [recipe] [options]`. pnpm may or may not pass a `--` through, so the recipe is the second
 * word only when it is not an option, and everything from the first option on belongs to the recipe.
 */
export function parseArgs(argv: readonly string[]): Invocation {
  const words = argv.filter((arg) => arg !== '--');
  const smoke = words.includes('--smoke');
  if (smoke) return { smoke, help: false, args: [], smokeNames: words.filter((a) => a !== '--smoke') };
  const [name, second, ...rest] = words;
  if (name === undefined || name === '--help' || name === '-h') {
    return { smoke, help: name !== undefined, args: [], smokeNames: [] };
  }
  const recipe = second !== undefined && !second.startsWith('-') ? second : undefined;
  const args = recipe === undefined && second !== undefined ? [second, ...rest] : rest;
  return { smoke, help: false, name, ...(recipe ? { recipe } : {}), args, smokeNames: [] };
}

async function runOne(example: Example, recipe: string | undefined, args: string[]): Promise<number> {
  if (recipe && !(recipe in example.recipes)) {
    console.error(`${example.slug} has no recipe "${recipe}". Its recipes:`);
    for (const [name, line] of Object.entries(example.recipes)) console.error(`  ${name.padEnd(20)} ${line}`);
    return 1;
  }
  // The example's own dispatcher resolves the services its recipe needs, and stops what it started.
  const child = runExample(example, { ...(recipe ? { recipe } : {}), args });
  // Ctrl-C reaches the whole foreground group, the example included: wait for its cleanup, then
  // exit 130 as a shell does. A SIGTERM sent to the runner alone is passed on.
  let interrupted = false;
  process.on('SIGINT', () => {
    interrupted = true;
  });
  process.on('SIGTERM', () => {
    interrupted = true;
    child.kill('SIGTERM');
  });
  const { code, signal } = await waitForExit(child);
  if (interrupted) return 130;
  return code ?? (signal ? 128 + 2 : 1);
}

async function runSmoke(examples: readonly Example[]): Promise<number> {
  const env: NodeJS.ProcessEnv = {};
  let failed = 0;
  for (const example of examples) {
    const result = await smokeExample(example, env, 120_000);
    const mark = result.ok ? 'ok  ' : 'FAIL';
    console.log(
      `smoke ${mark} ${example.slug.padEnd(16)} ${result.seconds.toFixed(1)}s${result.reason ? `  ${result.reason}` : ''}`,
    );
    if (!result.ok) {
      failed++;
      console.log(
        result.output
          .split('\n')
          .slice(-40)
          .map((l) => `    | ${l}`)
          .join('\n'),
      );
    }
  }
  console.log(`smoke: ${examples.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseArgs(argv);
  const { examples, problems } = loadCatalog();
  for (const problem of problems) console.error(`warning: ${problem}`);
  if (invocation.smoke) {
    const chosen = invocation.smokeNames.map((n) => findExample(examples, n));
    if (chosen.some((e) => !e)) {
      console.error(`unknown example in: ${invocation.smokeNames.join(' ')}`);
      return 1;
    }
    return runSmoke(invocation.smokeNames.length > 0 ? (chosen as Example[]) : examples);
  }
  if (!invocation.name) {
    if (!invocation.help) console.log(`${examplesListing(examples)}\n`);
    console.log(USAGE);
    return 0;
  }
  const example = findExample(examples, invocation.name);
  if (!example) {
    console.error(`No example named "${invocation.name}".`);
    if (/^\d+$/.test(invocation.name)) {
      const numbers = examples.map((e) => e.number);
      console.error(`The examples are numbered ${Math.min(...numbers)} to ${Math.max(...numbers)}.`);
    } else {
      console.error(`Closest names: ${suggestExamples(examples, invocation.name).join(', ')}.`);
    }
    console.error('Run `pnpm example` to list them all.');
    return 2;
  }
  return runOne(example, invocation.recipe, invocation.args);
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
