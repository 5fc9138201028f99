import { heading, isMain, isSmoke, onShutdown, resolveServices } from '@cookbook/shared';
import { acidTransferDemo } from './demos/acid-transfer.js';
import { type DemoContext, scratchDatabases } from './demos/context.js';
import { outboxDemo } from './demos/outbox.js';
import { sagaDemo } from './demos/saga.js';
import { twoPhaseCommitDemo } from './demos/two-phase-commit.js';

/** Each recipe's demo and what to watch for in its output. */
const RECIPES = {
  'acid-transfer': {
    observe: 'the Q&A lock order loses transfers to deadlocks; id order loses none; DECIMAL + number concatenates',
    run: acidTransferDemo,
  },
  saga: {
    observe: 'failures unwind in reverse, and an abandoned saga is finished from its log on restart',
    run: sagaDemo,
  },
  'two-phase-commit': {
    observe: 'a refused branch aborts both databases; in-doubt branches are resolved from the decision log',
    run: twoPhaseCommitDemo,
  },
  outbox: {
    observe: 'a crash between publish and mark re-sends events; the consumer applies each once anyway',
    run: outboxDemo,
  },
} as const satisfies Record<string, { observe: string; run: (context: DemoContext) => Promise<void> }>;

type RecipeName = keyof typeof RECIPES;

const isRecipe = (name: string): name is RecipeName => Object.hasOwn(RECIPES, name);

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const requested = argv[0];
  if (requested !== undefined && !isRecipe(requested)) {
    console.error(`unknown recipe "${requested}"; choose one of: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  const services = await resolveServices(['postgres', 'rabbitmq']);
  const databases = scratchDatabases(services.databaseUrl ?? '');
  const stopHandlers = onShutdown(async () => {
    await databases.dropAll();
    await services.stop();
  });
  const context: DemoContext = {
    scratchDatabase: (label) => databases.create(label),
    amqpUrl: services.amqpUrl ?? '',
    smoke: isSmoke(),
    log: (line) => console.log(`  ${line}`),
  };
  try {
    for (const name of requested ? [requested] : (Object.keys(RECIPES) as RecipeName[])) {
      heading(name);
      console.log(`  observe: ${RECIPES[name].observe}\n`);
      await RECIPES[name].run(context);
    }
    return 0;
  } finally {
    stopHandlers();
    await databases.dropAll();
    await services.stop();
  }
}

if (isMain(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
