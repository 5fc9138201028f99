import { heading, isMain, isSmoke, onShutdown, resolveServices } from '@cookbook/shared';
import { serviceDiscoveryDemo } from './demo-discovery.js';
import { resilientHttpDemo } from './demo-http.js';
import { eventFanoutDemo, reliableQueueDemo } from './demo-messaging.js';
import { orderFlowDemo, type Urls } from './demo-order-flow.js';

let tourFinished: () => void = () => {};
const tourDone = new Promise<void>((resolve) => {
  tourFinished = resolve;
});

/**
 * Resolves on the first SIGINT/SIGTERM, so the demo can close its services; onShutdown then waits
 * for the whole tour to finish its cleanup before it exits (a second signal exits at once).
 */
function untilShutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    onShutdown(async () => {
      resolve();
      await tourDone;
    });
  });
}

type Recipe = (urls: Urls, alone: boolean) => Promise<void>;

const RECIPES: Record<string, { title: string; run: Recipe }> = {
  'resilient-http': { title: 'REST between services: timeout, retry, circuit breaker', run: () => resilientHttpDemo() },
  'reliable-queue': {
    title: 'RabbitMQ: confirms, prefetch, retries, dead letters',
    run: (u) => reliableQueueDemo(u.amqpUrl),
  },
  'event-fanout': {
    title: 'Events: an isolated in-process bus, then a topic exchange',
    run: (u) => eventFanoutDemo(u.amqpUrl),
  },
  'service-discovery': {
    title: 'Discovery: Redis registry with TTL heartbeats',
    run: (u) => serviceDiscoveryDemo(u.redisUrl),
  },
  'order-flow': {
    title: 'One order through gateway, order, user and email services',
    run: (u, alone) => orderFlowDemo(u, alone && !isSmoke() ? untilShutdownSignal : undefined),
  },
};

export async function main(recipe?: string): Promise<number> {
  if (recipe !== undefined && !(recipe in RECIPES)) {
    console.error(`Unknown recipe "${recipe}". Recipes: ${Object.keys(RECIPES).join(', ')}`);
    return 1;
  }
  const services = await resolveServices(['postgres', 'rabbitmq', 'redis']);
  const { databaseUrl, amqpUrl, redisUrl } = services;
  if (!databaseUrl || !amqpUrl || !redisUrl) throw new Error('Postgres, RabbitMQ and Redis must all be resolved');
  const urls: Urls = { databaseUrl, amqpUrl, redisUrl };
  try {
    for (const [name, { title, run }] of Object.entries(RECIPES)) {
      if (recipe !== undefined && recipe !== name) continue;
      heading(`${name}: ${title}`);
      await run(urls, recipe !== undefined);
    }
  } finally {
    await services.stop();
    tourFinished();
  }
  return 0;
}

if (isMain(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
