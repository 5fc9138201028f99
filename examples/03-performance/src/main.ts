import { randomBytes } from 'node:crypto';
import { heading, isMain, isSmoke, onShutdown, portFromEnv, resolveServices } from '@cookbook/shared';
import { Redis } from 'ioredis';
import { clusterDemo } from './demo-cluster.js';
import { compressionDemo, fastJsonDemo, type Tour, workerThreadsDemo } from './demo-cpu.js';
import { cachingDemo, type DataTour, nPlusOneDemo, poolingDemo } from './demo-data.js';
import { createScratchDatabase } from './demo-database.js';
import { frameworksDemo } from './demo-frameworks.js';

/** `standalone`: one recipe was asked for, so a server may keep running after its demo. */
type MainTour = Tour & { standalone: boolean };
type Demo = (tour: MainTour) => Promise<void> | void;
type DataDemo = (tour: DataTour) => Promise<void>;

const CPU_DEMOS: Record<string, Demo> = {
  'worker-threads': workerThreadsDemo,
  // Ctrl-C: drain the workers before the process exits. Run on its own, the cluster keeps serving.
  cluster: (tour) =>
    clusterDemo(
      tour,
      (primary) =>
        onShutdown(async () => {
          primary.stop();
          await primary.stopped;
        }),
      { keepServing: tour.standalone && !tour.smoke, port: tour.standalone && !tour.smoke ? portFromEnv(3003) : 0 },
    ),
};
const DATA_DEMOS: Record<string, DataDemo> = { caching: cachingDemo, 'n-plus-one': nPlusOneDemo, pooling: poolingDemo };
const LATE_DEMOS: Record<string, Demo> = {
  compression: compressionDemo,
  'fast-json': fastJsonDemo,
  frameworks: frameworksDemo,
};
const ALL = [...Object.keys(CPU_DEMOS), ...Object.keys(DATA_DEMOS), ...Object.keys(LATE_DEMOS)];

/** Gives the data demos a scratch database and Redis prefix of their own, and removes both after. */
async function withData(tour: Tour, run: (data: DataTour) => Promise<void>): Promise<void> {
  const services = await resolveServices(['postgres', 'redis']);
  const database = await createScratchDatabase(services.databaseUrl ?? '');
  const redis = new Redis(services.redisUrl ?? '');
  const redisPrefix = `demo:performance:${randomBytes(4).toString('hex')}:`;
  try {
    await run({ ...tour, databaseUrl: database.url, redis, redisPrefix });
  } finally {
    const keys = await redis.keys(`${redisPrefix}*`); // a handful of demo keys
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await database.drop();
    await services.stop();
  }
}

export async function main(recipe?: string): Promise<number> {
  const tour: MainTour = { smoke: isSmoke(), heading, standalone: recipe !== undefined };
  if (recipe !== undefined && !ALL.includes(recipe)) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${ALL.join(', ')}`);
    return 1;
  }
  const wanted = (name: string) => recipe === undefined || recipe === name;
  for (const [name, demo] of Object.entries(CPU_DEMOS)) if (wanted(name)) await demo(tour);
  const data = Object.entries(DATA_DEMOS).filter(([name]) => wanted(name));
  if (data.length > 0)
    await withData(tour, async (dataTour) => {
      for (const [, demo] of data) await demo(dataTour);
    });
  for (const [name, demo] of Object.entries(LATE_DEMOS)) if (wanted(name)) await demo(tour);
  return 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
