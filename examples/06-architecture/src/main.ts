import { createServer } from 'node:http';
import {
  closeServer,
  heading,
  isMain,
  isSmoke,
  listen,
  onShutdown,
  portFromEnv,
  resolveServices,
  ServiceUnavailableError,
} from '@cookbook/shared';
import type { Sequelize } from 'sequelize';
import { createHttpApp } from './app.js';
import { createServices, type Services } from './composition.js';
import { createDatabase } from './config/database.js';
import { createDemoDatabase } from './demo/scratch-database.js';
import { seed } from './demo/seed.js';
import {
  type DemoContext,
  errorsDemo,
  injectionDemo,
  layeringDemo,
  migrationsDemo,
  uniqueEmailDemo,
  welcomeEmailDemo,
} from './demo/tour.js';
import { createFastifyApp } from './fastify-app.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';

type Stop = () => Promise<void>;

/** Starts one HTTP edge over the seeded services; in a one-shot run it answers one request of its own. */
async function serve(kind: 'express' | 'fastify', services: Services, port: number, oneShot: boolean): Promise<Stop> {
  heading(`${kind === 'express' ? 'api' : 'fastify'}: the layered API on ${kind}`);
  let url: string;
  let stop: Stop;
  if (kind === 'express') {
    const server = createServer(createHttpApp(services));
    url = await listen(server, port);
    stop = () => closeServer(server);
  } else {
    const app = createFastifyApp(services);
    url = await app.listen({ port, host: '127.0.0.1' });
    stop = () => app.close();
  }
  console.log(`Listening on ${url}`);
  if (oneShot) {
    const res = await fetch(`${url}/products?limit=2`);
    console.log(`GET /products?limit=2 → ${res.status} ${await res.text()}`);
    await stop();
    return async () => {};
  }
  console.log(
    [
      'Try:',
      `  curl -s ${url}/users`,
      `  curl -s '${url}/products?limit=2'`,
      `  curl -s '${url}/products?limit=2&after=2'`,
      `  curl -s -X POST ${url}/users -H 'content-type: application/json' -d '{"email":"linus@example.com","name":"Linus","password":"correct horse battery"}'`,
      `  curl -s ${url}/users/999      # 404 in the error shape`,
      `  curl -s '${url}/users?limit=500'   # 400 naming limit`,
      'Ctrl-C stops the server and closes the pool.',
    ].join('\n'),
  );
  return stop;
}

type InProcess = (ctx: DemoContext) => Promise<void>;
const IN_PROCESS: Record<string, InProcess> = {
  layering: layeringDemo,
  injection: injectionDemo,
  migrations: migrationsDemo,
  errors: errorsDemo,
  'unique-email': uniqueEmailDemo,
  'welcome-email': welcomeEmailDemo,
};
const RECIPES = ['api', 'fastify', ...Object.keys(IN_PROCESS)];

export async function main(recipe?: string): Promise<number> {
  if (recipe !== undefined && !RECIPES.includes(recipe)) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${RECIPES.join(', ')}`);
    return 1;
  }
  const resolved = await resolveServices(['postgres'], { allowEmbedded: true });
  const adminUrl = resolved.databaseUrl ?? '';
  // Own database on a real server, so the demo's tables never meet anyone else's. Embedded
  // PGlite cannot create one and takes one connection at a time: use it as it is, pool of one.
  const demoDatabase = await createDemoDatabase(adminUrl, 'architecture');
  const embedded = demoDatabase === undefined;
  const db: Sequelize = createDatabase(demoDatabase?.url ?? adminUrl, { poolMax: embedded ? 1 : 5 });
  let services: Services | undefined;
  const cleanup = async () => {
    await services?.users.drain(); // welcome emails already started
    await db.close();
    await demoDatabase?.drop();
    await resolved.stop();
  };
  let stayUp = false;
  try {
    heading('setup: migrate and seed (the console mailer logs each welcome email)');
    console.log(`migrate: applied ${JSON.stringify(await migrate(db, migrations))}`);
    services = createServices({ db });
    await seed(services);
    await services.users.drain();
    const ctx: DemoContext = {
      db,
      heading,
      smoke: isSmoke(),
      scratch: async () => (embedded ? undefined : createDemoDatabase(adminUrl, 'arch_old')),
    };
    const demos = recipe === undefined ? Object.keys(IN_PROCESS) : recipe in IN_PROCESS ? [recipe] : [];
    for (const name of demos) await IN_PROCESS[name]?.(ctx);
    if (recipe === undefined || recipe === 'fastify') {
      const oneShot = recipe === undefined || isSmoke();
      const stop = await serve('fastify', services, oneShot ? 0 : portFromEnv(3007), oneShot);
      if (!oneShot) stayUp = keepServing(stop, cleanup);
    }
    if (recipe === undefined || recipe === 'api') {
      const stop = await serve('express', services, isSmoke() ? 0 : portFromEnv(3006), isSmoke());
      if (!isSmoke()) stayUp = keepServing(stop, cleanup);
    }
    return 0;
  } finally {
    if (!stayUp) await cleanup();
  }
}

/** The server keeps the process alive; the first SIGINT/SIGTERM closes it, then the pool. */
function keepServing(stop: Stop, cleanup: Stop): true {
  onShutdown(async () => {
    await stop();
    await cleanup();
  });
  return true;
}

if (isMain(import.meta.url)) {
  try {
    process.exitCode = await main(process.argv[2]);
  } catch (error) {
    // No Postgres anywhere: say which command starts it, without a stack trace.
    if (!(error instanceof ServiceUnavailableError)) throw error;
    console.error(error.message);
    process.exitCode = 1;
  }
}
