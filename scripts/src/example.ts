import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMain } from '@cookbook/shared';
import { type Example, findExample, loadCatalog, ROOT, suggestExamples } from './catalog.js';
import { readSmokeSeconds, rememberSmokeSeconds, type SmokeResult, smokeExample, startOrder } from './smoke.js';
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

/**
 * Runs the example's `src/main.ts` in this process, as if Node had been asked to run it: one process
 * instead of a runner beside the demo, so the runner adds no start-up or memory of its own. The
 * example's dispatcher then owns Ctrl-C, its cleanup and the exit code. Resolves with no code, since
 * the process now belongs to the example.
 */
async function runOne(example: Example, recipe: string | undefined, args: string[]): Promise<number | undefined> {
  if (recipe && !(recipe in example.recipes)) {
    console.error(`${example.slug} has no recipe "${recipe}". Its recipes:`);
    for (const [name, line] of Object.entries(example.recipes)) console.error(`  ${name.padEnd(20)} ${line}`);
    return 1;
  }
  const main = join(example.dir, 'src/main.ts');
  process.argv = [process.argv[0] ?? process.execPath, main, ...(recipe ? [recipe] : []), ...args];
  process.chdir(example.dir);
  await import(pathToFileURL(main).href);
  return undefined;
}

/**
 * Two demos at a time, as two cores allow: most of a demo's time is spent starting processes and
 * waiting on services, so one at a time leaves a core idle. They start longest first (`startOrder`);
 * results print in catalog order.
 */
async function runSmoke(examples: readonly Example[], concurrency = 2): Promise<number> {
  const results = new Map(examples.map((e) => [e, Promise.withResolvers<SmokeResult>()] as const));
  const queue = startOrder(examples, readSmokeSeconds(ROOT));
  const lanes = Array.from({ length: Math.min(concurrency, examples.length) }, async () => {
    for (let example = queue.shift(); example; example = queue.shift()) {
      const result = results.get(example) as PromiseWithResolvers<SmokeResult>;
      await smokeExample(example, {}, 120_000).then(result.resolve, result.reject);
    }
  });
  let failed = 0;
  const finished: SmokeResult[] = [];
  for (const { promise } of results.values()) {
    const result = await promise;
    finished.push(result);
    const mark = result.ok ? 'ok  ' : 'FAIL';
    const reason = result.reason ? `  ${result.reason}` : '';
    console.log(`smoke ${mark} ${result.example.slug.padEnd(16)} ${result.seconds.toFixed(1)}s${reason}`);
    if (result.ok) continue;
    failed++;
    const tail = result.output.split('\n').slice(-40);
    console.log(tail.map((line) => `    | ${line}`).join('\n'));
  }
  await Promise.all(lanes);
  rememberSmokeSeconds(ROOT, finished);
  console.log(`smoke: ${examples.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number | undefined> {
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
    (code) => {
      if (code !== undefined) process.exit(code);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
