import { isMain, resolveServices, ServiceUnavailableError } from '@cookbook/shared';
import { type Example, findExample, loadCatalog, suggestExamples } from './catalog.js';
import { runExample, waitForExit } from './run-example.js';
import { smokeExample } from './smoke.js';
import { examplesListing } from './table.js';

const USAGE = `usage:
  pnpm example                       list the examples
  pnpm example <name> [recipe] [-- args]   run one (name: slug, number or package name)
  pnpm example --smoke [name…]       run every example (or the named ones) in smoke mode`;

export interface Invocation {
  smoke: boolean;
  name?: string;
  recipe?: string;
  args: string[];
  smokeNames: string[];
}

export function parseArgs(argv: readonly string[]): Invocation {
  const dashes = argv.indexOf('--');
  const own = dashes === -1 ? [...argv] : argv.slice(0, dashes);
  const passed = dashes === -1 ? [] : argv.slice(dashes + 1);
  const smoke = own.includes('--smoke');
  const positional = own.filter((a) => a !== '--smoke');
  if (smoke) return { smoke, args: [], smokeNames: positional };
  const [name, recipe, ...rest] = positional;
  return {
    smoke,
    ...(name ? { name } : {}),
    ...(recipe ? { recipe } : {}),
    args: [...rest, ...passed],
    smokeNames: [],
  };
}

async function runOne(example: Example, recipe: string | undefined, args: string[]): Promise<number> {
  if (recipe && !(recipe in example.recipes)) {
    console.error(`${example.slug} has no recipe "${recipe}". Its recipes:`);
    for (const [name, line] of Object.entries(example.recipes)) console.error(`  ${name.padEnd(20)} ${line}`);
    return 1;
  }
  let services: Awaited<ReturnType<typeof resolveServices>>;
  try {
    services = await resolveServices(example.services, { allowEmbedded: example.embeddedPostgres });
  } catch (error) {
    if (error instanceof ServiceUnavailableError) {
      console.error(`Cannot run ${example.slug}: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const env: NodeJS.ProcessEnv = {};
  if (services.databaseUrl) env.DATABASE_URL = services.databaseUrl;
  if (services.redisUrl) env.REDIS_URL = services.redisUrl;
  if (services.amqpUrl) env.AMQP_URL = services.amqpUrl;
  const child = runExample(example, { ...(recipe ? { recipe } : {}), args, env });
  // Ctrl-C reaches the whole foreground group; a SIGTERM sent to the runner alone is passed on.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', forward);
  const { code, signal } = await waitForExit(child);
  await services.stop();
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
    console.log(examplesListing(examples));
    console.log(`\n${USAGE}`);
    return 0;
  }
  const example = findExample(examples, invocation.name);
  if (!example) {
    const suggestions = suggestExamples(examples, invocation.name);
    console.error(`No example named "${invocation.name}".`);
    console.error(`Closest names: ${suggestions.join(', ')}.`);
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
