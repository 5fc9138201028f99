import { cleanEnv, EnvError, EnvMissingError, makeValidator, num, str, url } from 'envalid';

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly env: Environment;
  readonly service: string;
  readonly host: string;
  readonly port: number;
  /** Where /metrics is served, never the public port; 0 picks a free one. */
  readonly metricsPort: number;
  readonly databaseUrl: string;
  readonly dbPoolMax: number;
  /** Requests allowed to wait for a Postgres connection; the next one is shed with a 503. */
  readonly dbQueueMax: number;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  readonly logLevel: LogLevel;
  /** Each readiness check gives up after this long: a hung dependency is a failed one. */
  readonly healthCheckTimeoutMs: number;
  /** Connect, command and query timeout of every client: an outage costs a caller this much, not a hang. */
  readonly dependencyTimeoutMs: number;
  /** Every request is answered by then, with a 503 if nothing else did. */
  readonly requestTimeoutMs: number;
  /** Time between "not ready" and "stop accepting", so a load balancer notices first. */
  readonly drainDelayMs: number;
  /** Hard deadline for the whole shutdown; past it the process exits 1. */
  readonly shutdownTimeoutMs: number;
}

/** Startup refused: the message is one line that names every bad variable, and never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variables: readonly string[];
  constructor(variables: readonly string[], detail: string) {
    super(`Invalid configuration: ${detail}`);
    this.variables = variables;
  }
}

// Why each variable may be rejected; values are never echoed (DATABASE_URL carries a password).
const EXPECTED: Record<string, string> = {
  NODE_ENV: `one of ${ENVIRONMENTS.join(', ')}`,
  PORT: 'an integer from 0 to 65535 (0 picks a free port)',
  METRICS_PORT: 'an integer from 0 to 65535 (0 picks a free port)',
  DATABASE_URL: 'a postgres:// URL',
  REDIS_URL: 'a redis:// URL',
  LOG_LEVEL: `one of ${LOG_LEVELS.join(', ')}`,
};

// #region load-config
/**
 * Reads the environment once, at startup, into a typed and frozen object. Development and test
 * get local defaults; production gets no default for anything that must differ per deploy, so a
 * forgotten DATABASE_URL stops the boot instead of surfacing at the first query. An unset
 * NODE_ENV counts as production: forgetting it must not quietly select the laptop settings.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const clean = cleanEnv(
    env,
    {
      NODE_ENV: str({ choices: ENVIRONMENTS, default: 'production' }),
      SERVICE_NAME: str({ default: 'api' }),
      HOST: str({ default: '0.0.0.0', devDefault: '127.0.0.1' }),
      PORT: listenPort({ default: 3000 }),
      // 9464: OpenTelemetry's Prometheus exporter default, so scrape configs already know it.
      METRICS_PORT: listenPort({ default: 9464, testDefault: 0 }),
      // pm2 numbers its cluster workers; each needs a metrics port of its own (see perWorkerPort).
      NODE_APP_INSTANCE: num({ default: 0 }),
      DATABASE_URL: url({ devDefault: 'postgres://postgres:postgres@127.0.0.1:5432/postgres' }),
      DB_POOL_MAX: num({ default: 10 }),
      DB_QUEUE_MAX: num({ default: 20 }),
      REDIS_URL: url({ devDefault: 'redis://127.0.0.1:6379' }),
      REDIS_KEY_PREFIX: str({ default: 'api:' }),
      LOG_LEVEL: str({ choices: LOG_LEVELS, default: 'info', devDefault: 'debug', testDefault: 'warn' }),
      HEALTH_CHECK_TIMEOUT_MS: num({ default: 1_000 }),
      DEPENDENCY_TIMEOUT_MS: num({ default: 1_000 }),
      REQUEST_TIMEOUT_MS: num({ default: 5_000 }),
      DRAIN_DELAY_MS: num({ default: 5_000, devDefault: 0 }),
      SHUTDOWN_TIMEOUT_MS: num({ default: 20_000, devDefault: 10_000 }),
    },
    { reporter: throwConfigError },
  );
  if (clean.DEPENDENCY_TIMEOUT_MS >= clean.REQUEST_TIMEOUT_MS) {
    // Otherwise every outage is answered by the deadline, never by the dependency's own timeout.
    throw new ConfigError(['DEPENDENCY_TIMEOUT_MS'], 'DEPENDENCY_TIMEOUT_MS must be below REQUEST_TIMEOUT_MS');
  }
  return Object.freeze({
    env: clean.NODE_ENV,
    service: clean.SERVICE_NAME,
    host: clean.HOST,
    port: clean.PORT,
    metricsPort: perWorkerPort(clean.METRICS_PORT, clean.NODE_APP_INSTANCE),
    databaseUrl: clean.DATABASE_URL,
    dbPoolMax: clean.DB_POOL_MAX,
    dbQueueMax: clean.DB_QUEUE_MAX,
    redisUrl: clean.REDIS_URL,
    redisKeyPrefix: clean.REDIS_KEY_PREFIX,
    logLevel: clean.LOG_LEVEL,
    healthCheckTimeoutMs: clean.HEALTH_CHECK_TIMEOUT_MS,
    dependencyTimeoutMs: clean.DEPENDENCY_TIMEOUT_MS,
    requestTimeoutMs: clean.REQUEST_TIMEOUT_MS,
    drainDelayMs: clean.DRAIN_DELAY_MS,
    shutdownTimeoutMs: clean.SHUTDOWN_TIMEOUT_MS,
  });
}
// #endregion load-config

/**
 * Cluster workers that listen on one port share it: a scrape would reach one worker at random and
 * never the same twice. pm2 gives each worker NODE_APP_INSTANCE (0, 1, …), kept across reloads, so
 * worker N serves its metrics on METRICS_PORT + N and Prometheus scrapes each as an instance.
 */
function perWorkerPort(port: number, instance: number): number {
  return port === 0 ? 0 : port + instance;
}

const listenPort = makeValidator<number>((input) => {
  const value = Number(input);
  // Stryker disable next-line StringLiteral: throwConfigError words the message from EXPECTED; this text is never shown
  if (!/^\d+$/.test(input) || value > 65_535) throw new EnvError('not a port');
  return value;
});

function throwConfigError({ errors, env }: { errors: Partial<Record<string, Error>>; env: unknown }): void {
  // Stryker disable next-line ConditionalExpression,MethodExpression: envalid lists only the variables that failed; the filter narrows the type
  const bad = Object.entries(errors).filter((entry): entry is [string, Error] => entry[1] !== undefined);
  if (bad.length === 0) return;
  const mode = (env as { NODE_ENV?: string }).NODE_ENV ?? 'production';
  const parts = bad.map(([name, error]) =>
    error instanceof EnvMissingError
      ? `${name} is required when NODE_ENV=${mode}`
      : `${name} must be ${EXPECTED[name] ?? 'a number'}`,
  );
  throw new ConfigError(
    bad.map(([name]) => name),
    parts.join('; '),
  );
}

// #region naive-config
/** The Q&A's config: a lookup table keyed by NODE_ENV, read without validation. */
export function naiveConfig(env: NodeJS.ProcessEnv = process.env) {
  const table = {
    development: { port: 3000, databaseUrl: 'postgres://localhost/myapp_dev', logLevel: 'debug' },
    production: { port: env.PORT, databaseUrl: env.DATABASE_URL, logLevel: 'error' },
  };
  return table[(env.NODE_ENV || 'development') as keyof typeof table];
}
// #endregion naive-config
