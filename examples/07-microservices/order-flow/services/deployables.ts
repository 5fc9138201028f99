import { apiKeyList, type EnvSchema, integer, text, url } from './env.js';

/**
 * The four deployables of the order flow in one typed place: what each listens on, where its probes
 * are, which variables configure it, how long it may take to stop. The entry points read their
 * config from these schemas; the Dockerfile, the compose file and manifests are checked against them.
 */

const shared = {
  HOST: text('interface to listen on; 0.0.0.0 in a container', '127.0.0.1'),
  ADVERTISED_URL: text('the URL other services reach this instance at; defaults to http://127.0.0.1:PORT', ''),
  REDIS_URL: url('the service registry (and the gateway rate limits)', ['redis:', 'rediss:']),
  REGISTRY_PREFIX: text('key prefix of the registry, the same for every service of one system', 'order-flow:'),
  REGISTRY_TTL_MS: integer(
    'how long a registration lives without a heartbeat from a ready instance',
    3_000,
    300,
    600_000,
  ),
  SHUTDOWN_TIMEOUT_MS: integer('after SIGTERM, the process exits 1 if cleanup takes longer', 10_000, 100, 600_000),
  METRICS_PORT: integer('private port of GET /metrics for Prometheus; never routed to clients', 9464, 0, 65_535),
} satisfies EnvSchema;

const postgres = { DATABASE_URL: url('Postgres; the service keeps to its own schema', ['postgres:', 'postgresql:']) };
const rabbit = {
  AMQP_URL: url('RabbitMQ', ['amqp:', 'amqps:']),
  ORDER_EXCHANGE: text('the topic exchange order.created is published on', 'orders'),
};
const port = (fallback: number) => ({ PORT: integer('HTTP port (0 picks a free one)', fallback, 0, 65_535) });

export const userServiceEnv = { ...shared, ...port(3001), ...postgres } satisfies EnvSchema;
export const orderServiceEnv = {
  ...shared,
  ...port(3002),
  ...postgres,
  ...rabbit,
  USER_TIMEOUT_MS: integer('deadline of each call to user-service', 1_000, 50, 60_000),
} satisfies EnvSchema;
export const emailServiceEnv = {
  ...shared,
  ...port(3003),
  ...postgres,
  ...rabbit,
  EMAIL_QUEUE: text('the queue email-service consumes order.created from', 'email'),
  EMAIL_DEAD_LETTER_QUEUE: text('where poison messages go', 'email.dlq'),
} satisfies EnvSchema;
export const gatewayEnv = {
  ...shared,
  ...port(3000),
  API_KEYS: apiKeyList('who may call: key:client pairs, comma-separated'),
  RATE_LIMIT: integer('requests per client per window', 100, 1, 1_000_000),
  RATE_LIMIT_WINDOW_MS: integer('the rate-limit window', 60_000, 100, 86_400_000),
  GATEWAY_TIMEOUT_MS: integer('how long the gateway waits for a service before answering 504', 3_000, 50, 600_000),
} satisfies EnvSchema;

export type ServiceName = 'user-service' | 'order-service' | 'email-service' | 'gateway';

export interface Deployable {
  /** Its name in the registry, in logs, as a compose service and as a Dockerfile target. */
  name: ServiceName;
  /** Entry point, relative to the package; compiled to `dist/` with `.js` in the image. */
  entry: string;
  env: EnvSchema;
  /** The container port: the schema's PORT default. */
  port: number;
  health: { live: '/health/live'; ready: '/health/ready' };
  /** The default SHUTDOWN_TIMEOUT_MS: a grace period must outlast it (plus any preStop pause). */
  shutdownTimeoutMs: number;
  /** Reached by external clients (only the gateway); the others only from inside the system. */
  public: boolean;
}

const health = { live: '/health/live', ready: '/health/ready' } as const;
type DescribedEnv = EnvSchema & { PORT: { default?: number }; SHUTDOWN_TIMEOUT_MS: { default?: number } };
const describe = (name: ServiceName, file: string, env: DescribedEnv, pub = false): Deployable => ({
  name,
  entry: `order-flow/services/${file}`,
  env,
  port: env.PORT.default ?? 0,
  health,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS.default ?? 0,
  public: pub,
});

// #region deployables
export const DEPLOYABLES: Record<ServiceName, Deployable> = {
  'user-service': describe('user-service', 'start-user.ts', userServiceEnv),
  'order-service': describe('order-service', 'start-order.ts', orderServiceEnv),
  'email-service': describe('email-service', 'start-email.ts', emailServiceEnv),
  gateway: describe('gateway', 'start-gateway.ts', gatewayEnv, true),
};
// #endregion deployables
