import { cleanEnv, makeValidator, str, url } from 'envalid';

export interface AppConfig {
  jwtSecret: string;
  databaseUrl: string;
  redisUrl: string;
  host: string;
  port: number;
  corsOrigins: string[];
  bcryptCost: number;
  /** How many reverse proxies sit in front of the API; 0 = clients connect directly. */
  trustProxyHops: number;
  /** Prepended to every rate-limit key in Redis, so several apps can share one Redis. */
  rateLimitPrefix: string;
  /** How long a call to Postgres or Redis may take before the request gets a 503 instead of waiting on. */
  dependencyTimeoutMs: number;
}

/** A configuration problem, reported in one line that names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly variables: Record<string, string>) {
    const parts = Object.entries(variables).map(([name, problem]) => `${name} ${problem}`);
    super(`Invalid configuration: ${parts.join('; ')}`);
    this.name = 'ConfigError';
  }
}

// #region validators
const secret = makeValidator<string>((value) => {
  if (value.length < 32) throw new Error('must be at least 32 characters (try `openssl rand -hex 32`)');
  return value;
});

const originList = makeValidator<string[]>((value) => {
  const origins = value.split(',').map((entry) => entry.trim());
  for (const origin of origins) {
    // new URL() throws on garbage; comparing to .origin refuses paths and trailing slashes.
    if (URL.canParse(origin) === false || new URL(origin).origin !== origin) {
      throw new Error(`must be a comma-separated list of origins like https://app.example.com, got "${origin}"`);
    }
  }
  return origins;
});

const integerIn = (min: number, max: number) =>
  makeValidator<number>((value) => {
    // Digits only: Number() reads an empty `PORT=` as 0 (any free port) and '1e3' as 1000.
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return n;
  });
// #endregion validators

// #region load-config
/** How long one wait on Postgres or Redis may last before the request is answered 503. */
export const DEFAULT_DEPENDENCY_TIMEOUT_MS = 1_000;

/** Every variable the API reads; .env.example documents exactly these. */
export const CONFIG_SPEC = {
  JWT_SECRET: secret(),
  DATABASE_URL: url(),
  REDIS_URL: url(),
  HOST: str({ default: '127.0.0.1' }),
  PORT: integerIn(0, 65535)({ default: 3000 }), // 0 = any free port
  CORS_ORIGINS: originList(),
  BCRYPT_COST: integerIn(10, 15)({ default: 12 }),
  TRUST_PROXY_HOPS: integerIn(0, 10)({ default: 0 }),
  RATE_LIMIT_PREFIX: str({ default: 'rl:' }),
  DEPENDENCY_TIMEOUT_MS: integerIn(100, 60_000)({ default: DEFAULT_DEPENDENCY_TIMEOUT_MS }),
};

/**
 * Validates the environment once, at startup, before anything listens. Every problem is
 * collected and thrown as one ConfigError, instead of envalid's default of printing a box and
 * calling process.exit (which a test or a caller could not catch).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const clean = cleanEnv(env, CONFIG_SPEC, {
    reporter: ({ errors }) => {
      const entries = Object.entries(errors);
      if (entries.length === 0) return;
      throw new ConfigError(
        // Stryker disable next-line OptionalChaining,StringLiteral: envalid keeps only Error objects, and each validator here and in envalid gives a message
        Object.fromEntries(entries.map(([name, error]) => [name, error?.message ? problem(error) : 'is invalid'])),
      );
    },
  });
  return {
    jwtSecret: clean.JWT_SECRET,
    databaseUrl: clean.DATABASE_URL,
    redisUrl: clean.REDIS_URL,
    host: clean.HOST,
    port: clean.PORT,
    corsOrigins: clean.CORS_ORIGINS,
    bcryptCost: clean.BCRYPT_COST,
    trustProxyHops: clean.TRUST_PROXY_HOPS,
    rateLimitPrefix: clean.RATE_LIMIT_PREFIX,
    dependencyTimeoutMs: clean.DEPENDENCY_TIMEOUT_MS,
  };
}
// #endregion load-config

function problem(error: Error): string {
  // envalid's missing-variable error carries the spec's desc, or the text "undefined" without one.
  return error.name === 'EnvMissingError' ? 'is missing' : error.message;
}

// #region naive-config
/** The Q&A's check: presence of one variable. "x" is accepted as a secret; the rest may be absent. */
export function naiveLoadConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = { dbUrl: env.DATABASE_URL, apiKey: env.API_KEY, jwtSecret: env.JWT_SECRET };
  if (!config.jwtSecret) throw new Error('JWT_SECRET is required');
  return config;
}
// #endregion naive-config
