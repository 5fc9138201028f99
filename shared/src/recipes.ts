import { ServiceUnavailableError } from './resolve.js';
import { type ResolvedServices, resolveServices, type ServiceUrls } from './resolve-service.js';
import { heading, isSmoke, PortInUseError, UsageError } from './runtime.js';
import { createScratchDatabase } from './scratch-database.js';
import type { ServiceName } from './services.js';
import { keepAliveUntil, onStopSignal } from './stop-signals.js';

/** What a recipe's demo gets from the dispatcher. */
export interface DemoContext<S extends ServiceName = never> {
  /** The URLs of the services the recipe declared, and only those. */
  urls: ServiceUrls<S>;
  /** `COOKBOOK_SMOKE=1`: take the shortest path and return. */
  smoke: boolean;
  /** True when this recipe was asked for by name, not run as part of the whole tour: a server may keep serving. */
  alone: boolean;
  /** The options after the recipe name: `pnpm example <slug> <recipe> --flag` (parse with util.parseArgs). */
  args: readonly string[];
  /** Aborted on the first Ctrl-C or SIGTERM; pass it to loops and servers that should stop early. */
  signal: AbortSignal;
  /** Resolves on Ctrl-C or SIGTERM (at once in smoke mode), so a server demo can wait, then clean up. */
  untilStopped(): Promise<void>;
  /** Runs `cleanup` when the demo ends, however it ends (last registered, first run). */
  defer(cleanup: () => Promise<void> | void): void;
  /** A fresh empty database next to `urls.databaseUrl`, dropped when the demo ends. */
  scratchDatabase(label: string): Promise<string>;
  /** An indented line of demo output. */
  log(line: string): void;
}

/** One recipe's demo as it is declared: the services listed type `context.urls`. */
export interface RecipeDefinition<S extends ServiceName> {
  services: readonly S[];
  title: string;
  /** One line printed before the demo: what the reader should watch for. */
  lookFor: string;
  run(context: DemoContext<S>): Promise<void>;
}

/** A recipe as the dispatcher holds it; a table of them mixes recipes that need different services. */
export interface Recipe {
  services: readonly ServiceName[];
  title: string;
  lookFor: string;
  run(context: DemoContext<ServiceName>): Promise<void>;
}

/** Declares a recipe's demo. */
export function recipe<const S extends ServiceName = never>(definition: RecipeDefinition<S>): Recipe {
  return {
    ...definition,
    // Sound: the dispatcher resolves exactly `definition.services` before it calls `run`.
    run: (context) => definition.run(context as unknown as DemoContext<S>),
  };
}

export interface RunOptions {
  argv?: readonly string[];
  /** How long a demo that ignores `signal` may go on after Ctrl-C before cleanup starts anyway. */
  graceMs?: number;
}

/**
 * The runner behind every `main.ts`: `main.ts [recipe]` runs one recipe, or all of them in order.
 * It resolves only the services the chosen recipes need, prints a heading and a "Look for:" line,
 * and runs every cleanup on the way out, Ctrl-C included. Resolves with the exit code.
 */
export async function runRecipes(
  recipes: Readonly<Record<string, Recipe>>,
  { argv = process.argv.slice(2), graceMs = 5_000 }: RunOptions = {},
): Promise<number> {
  const requested = argv[0]?.startsWith('-') ? undefined : argv[0];
  const args = requested === undefined ? argv : argv.slice(1);
  if (args.includes('--help') || args.includes('-h')) {
    printRecipes(recipes, console.log);
    return 0;
  }
  if (requested !== undefined && !Object.hasOwn(recipes, requested)) {
    console.error(`No recipe named "${requested}".`);
    printRecipes(recipes, console.error);
    return 1;
  }
  const chosen = requested === undefined ? Object.entries(recipes) : [[requested, recipes[requested]] as const];
  const stop = new AbortController();
  const interrupted = { byCtrlC: false };
  const removeHandlers = onStopSignal(stop, interrupted);
  let code = 0;
  for (const [name, entry] of chosen) {
    if (!entry || stop.signal.aborted || code !== 0) break;
    heading(`${name}: ${entry.title}`);
    console.log(`Look for: ${entry.lookFor}\n`);
    code = await runOne(entry, { signal: stop.signal, graceMs, args, alone: requested !== undefined });
  }
  // Stopped by a signal: cleanup has run, and a demo that ignored the signal may still hold timers
  // or sockets open. Exit now, with the handlers still in place so a relayed signal cannot kill us
  // first. Ctrl-C ends with 130, as a shell reports it; a SIGTERM served cleanly is a clean stop.
  if (stop.signal.aborted) process.exit(interrupted.byCtrlC && code === 0 ? 130 : code);
  removeHandlers();
  return code;
}

async function runOne(
  entry: Recipe,
  { signal, graceMs, args, alone }: { signal: AbortSignal; graceMs: number; args: readonly string[]; alone: boolean },
): Promise<number> {
  let services: ResolvedServices;
  try {
    services = await resolveServices(entry.services);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError)) throw error;
    console.error(error.message);
    return 1;
  }
  const cleanups: (() => Promise<void> | void)[] = [() => services.stop()];
  const smoke = isSmoke();
  const stopped = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const context: DemoContext<ServiceName> = {
    // Sound for the recipe that runs: it declared exactly the services resolved here.
    urls: services as ServiceUrls<ServiceName>,
    smoke,
    alone,
    args,
    signal,
    untilStopped: () => (smoke ? Promise.resolve() : keepAliveUntil(stopped)),
    defer: (cleanup) => void cleanups.push(cleanup),
    scratchDatabase: async (label) => {
      if (!services.databaseUrl) throw new Error('scratchDatabase needs the recipe to declare "postgres"');
      const database = await createScratchDatabase(services.databaseUrl, `demo_${label}`);
      cleanups.push(() => database.drop());
      return database.url;
    },
    log: (line) => console.log(`  ${line}`),
  };
  try {
    const demo = entry.run(context);
    const graceOver = stopped.then(() => new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()));
    await Promise.race([demo, graceOver]);
    return 0;
  } catch (error) {
    // A mistake of set-up (a bad option, a busy port) is one line; anything else keeps its stack.
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    console.error(error instanceof PortInUseError ? error.message : error);
    return 1;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error('cleanup failed:', error);
      }
    }
  }
}

function printRecipes(recipes: Readonly<Record<string, Recipe>>, print: (line: string) => void): void {
  print('Recipes:');
  for (const [name, entry] of Object.entries(recipes)) print(`  ${name.padEnd(20)} ${entry.title}`);
}
