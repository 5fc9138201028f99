import { heading, isMain, isSmoke, resolveServices } from '@cookbook/shared';
import { loadConfig } from './config.js';
import { startService } from './service.js';
import { configDemo, dockerDemo, healthDemo, loggingDemo, shutdownDemo, type TourContext } from './tour.js';
import { pm2Demo } from './tour-pm2.js';

type Demo = (context: TourContext) => Promise<void> | void;

const RECIPES: Record<string, [title: string, demo: Demo]> = {
  config: ['config: validated once, frozen, strict in production', configDemo],
  pm2: ['pm2: cluster mode, reload one worker at a time', pm2Demo],
  docker: ['docker: the image policy and the compose file, checked offline', dockerDemo],
  health: ['health: live vs ready, each check with a timeout', healthDemo],
  logging: ['logging: one JSON line per request, secrets masked', loggingDemo],
  'graceful-shutdown': ['graceful-shutdown: 20 slow requests in flight at SIGTERM', shutdownDemo],
};

/** The service itself, as `node dist/start.js` runs it, until Ctrl-C (smoke mode: one request, then stop). */
async function serve(context: TourContext, done: (code: number) => Promise<never>): Promise<void> {
  heading('the service: watch every practice at once');
  const config = loadConfig({
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    DATABASE_URL: context.databaseUrl,
    REDIS_URL: context.redisUrl,
    REDIS_KEY_PREFIX: process.env.REDIS_KEY_PREFIX ?? 'cookbook:deployment:',
    // A smoke run must not collide with a service someone already runs on 3000.
    PORT: process.env.PORT ?? (context.smoke ? '0' : '3000'),
  });
  const service = await startService(config, { exit: (code) => void done(code) });
  // Under pnpm and tsx one Ctrl-C arrives twice (the terminal's SIGINT, then the wrapper's relayed
  // SIGTERM), which the service would read as "force exit". Here only the first counts; the
  // shutdown deadline still bounds it. `node dist/start.js` (src/start.ts) keeps the second-signal exit.
  let signalled = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!signalled) void service.shutdown(signal);
      signalled = true;
    });
  }
  console.log(`Listening on ${service.url} (pid ${process.pid}). Try, in another terminal:`);
  console.log(`  curl -i ${service.url}/health/ready       # 200 with each check and its duration`);
  console.log(`  curl -i '${service.url}/api/work?ms=abc'  # 400 naming the field "ms"`);
  console.log(`  curl '${service.url}/api/work?ms=8000' & kill -TERM ${process.pid}   # the request still completes`);
  console.log('Each request prints a JSON log line here. Ctrl-C (or SIGTERM) shuts down gracefully.');
  if (context.smoke) {
    const response = await fetch(`${service.url}/health/ready`);
    console.log(`smoke: GET /health/ready -> ${response.status}`);
    await service.shutdown('smoke');
  }
}

/** Runs the tour; resolves with an exit code, or undefined while the service keeps serving. */
export async function main(recipe?: string): Promise<number | undefined> {
  const chosen = recipe === undefined ? Object.keys(RECIPES) : [recipe];
  const unknown = chosen.find((name) => !(name in RECIPES));
  if (unknown !== undefined) {
    console.error(`Unknown recipe "${unknown}". Recipes: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  const services = await resolveServices(['postgres', 'redis']);
  const context: TourContext = {
    databaseUrl: services.databaseUrl as string,
    redisUrl: services.redisUrl as string,
    smoke: isSmoke(),
  };
  for (const name of chosen) {
    const [title, demo] = RECIPES[name] as [string, Demo];
    heading(title);
    await demo(context);
  }
  if (recipe !== undefined) {
    await services.stop();
    return 0;
  }
  // The service exits through its own graceful shutdown; release what resolveServices started first.
  await serve(context, async (code) => {
    await services.stop();
    process.exit(code);
  });
  return undefined;
}

if (isMain(import.meta.url)) {
  const code = await main(process.argv[2]);
  // pm2 7's programmatic client keeps the loop alive after disconnect() even once its daemon is
  // dead; everything this tour started is closed by now, so leave explicitly.
  if (code !== undefined) process.exit(code);
}
