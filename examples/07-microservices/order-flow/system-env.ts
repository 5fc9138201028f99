import type { ServiceName } from './services/deployables.js';

export interface SystemOptions {
  databaseUrl: string;
  amqpUrl: string;
  redisUrl: string;
  /** Exchange, queues and Redis prefix: unique per test file, fixed names in the demo. */
  names: { exchange: string; emailQueue: string; emailDeadLetterQueue: string; redisPrefix: string };
  apiKeys: ReadonlyMap<string, string>;
  /** 0 (the default) picks a free port. */
  gatewayPort?: number;
  rateLimit?: { limit: number; windowMs: number };
  /** How long the gateway waits for a service before answering 504. */
  gatewayTimeoutMs?: number;
  /** How long a registration lives without a healthy heartbeat. */
  registryTtlMs?: number;
  shutdownTimeoutMs?: number;
}

/**
 * The environment of each of the four services for one system: what a compose file or a manifest
 * sets, here derived from one options object. The launcher hands it to child processes; the
 * in-process system reads it through the same schemas, so both run exactly the same config.
 */
export function systemEnv(options: SystemOptions): Record<ServiceName, Record<string, string>> {
  const { names } = options;
  const common = {
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: options.redisUrl,
    REGISTRY_PREFIX: names.redisPrefix,
    REGISTRY_TTL_MS: String(options.registryTtlMs ?? 3_000),
    SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs ?? 10_000),
    METRICS_PORT: '0',
  };
  const broker = { AMQP_URL: options.amqpUrl, ORDER_EXCHANGE: names.exchange };
  return {
    'user-service': { ...common, DATABASE_URL: options.databaseUrl },
    'order-service': { ...common, ...broker, DATABASE_URL: options.databaseUrl },
    'email-service': {
      ...common,
      ...broker,
      DATABASE_URL: options.databaseUrl,
      EMAIL_QUEUE: names.emailQueue,
      EMAIL_DEAD_LETTER_QUEUE: names.emailDeadLetterQueue,
    },
    gateway: {
      ...common,
      PORT: String(options.gatewayPort ?? 0),
      API_KEYS: [...options.apiKeys].map(([key, client]) => `${key}:${client}`).join(','),
      RATE_LIMIT: String(options.rateLimit?.limit ?? 100),
      RATE_LIMIT_WINDOW_MS: String(options.rateLimit?.windowMs ?? 60_000),
      GATEWAY_TIMEOUT_MS: String(options.gatewayTimeoutMs ?? 3_000),
    },
  };
}
