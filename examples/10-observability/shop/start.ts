// Runs the shop: `start.ts [all|gateway|orders|email-worker]`. Each service prints one JSON line
// `{"service":…,"url":…,"metricsUrl":…}` once it answers, and all stop cleanly on SIGTERM/SIGINT.
// Tracing comes from `--import ../tracing/register.ts`, error tracking from SENTRY_DSN.
import { closeErrorTracking, errorTrackingOptionsFromEnv, startErrorTracking } from '../error-tracking/sentry.js';
import { stopTracing } from '../tracing/instrumentation.js';
import { shopQueuesFromEnv } from './broker.js';
import {
  type RunningService,
  type ShopConfig,
  startEmails,
  startGateway,
  startOrders,
  startShop,
  stopShop,
} from './services.js';

startErrorTracking(errorTrackingOptionsFromEnv());

const env = process.env;
const port = (name: string, fallback: number) => {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number, got "${env[name]}"`);
  return value;
};
const config: ShopConfig = {
  databaseUrl: env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  queues: shopQueuesFromEnv(env),
  redisPrefix: env.SHOP_REDIS_PREFIX ?? 'shop:',
  ports: {
    gateway: port('GATEWAY_PORT', 3000),
    orders: port('ORDERS_PORT', 3001),
    metrics: {
      gateway: port('GATEWAY_METRICS_PORT', 9101),
      orders: port('ORDERS_METRICS_PORT', 9102),
      'email-worker': port('EMAIL_WORKER_METRICS_PORT', 9103),
    },
  },
};

const which = process.argv[2] ?? 'all';
async function start(): Promise<RunningService[]> {
  if (which === 'all') return startShop(config);
  if (which === 'orders') return [await startOrders(config)];
  if (which === 'email-worker') return [await startEmails(config)];
  if (which === 'gateway') return [await startGateway(config, env.ORDERS_URL ?? 'http://127.0.0.1:3001')];
  throw new Error(`unknown service "${which}": use all, gateway, orders or email-worker`);
}
const started = start();

// The handlers go in before the services start: a SIGTERM while they connect and listen would
// otherwise meet the default action and end the process with its connections open.
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(JSON.stringify({ stopping: signal }));
  await stopShop(await started.catch(() => []));
  await closeErrorTracking();
  await stopTracing();
  process.exit(0);
};
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () =>
    shutdown(signal).catch((error: unknown) => {
      console.error('shutdown failed:', error);
      process.exit(1);
    }),
  );
}

for (const { name, url, metricsUrl } of await started) console.log(JSON.stringify({ service: name, url, metricsUrl }));
