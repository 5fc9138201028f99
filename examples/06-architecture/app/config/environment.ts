import Joi from 'joi';
import { DEFAULT_DB_TIMEOUT_MS } from './database.js';

export interface Config {
  databaseUrl: string;
  port: number;
  dbPoolMax: number;
  /** createDatabase's `timeoutMs`: the longest a request waits on Postgres before its 503. */
  dbTimeoutMs: number;
}

// #region environment
/**
 * Read once at startup, validated, typed: a bad variable stops the process with its name, not a
 * 500 later. DATABASE_URL has no default and must name a database: a tool that writes (migrations)
 * must never fall back to whatever server and database happen to answer.
 */
const schema = Joi.object({
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .custom((url: string, helpers) => (new URL(url).pathname.length > 1 ? url : helpers.error('url.database')))
    .required()
    .messages({
      'any.required': 'DATABASE_URL is not set: point it at the database to use, e.g. postgres://user@host:5432/app',
      'url.database': 'DATABASE_URL names no database: end it with /<database>, e.g. postgres://user@host:5432/app',
    }),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  DB_POOL_MAX: Joi.number().integer().min(1).max(50).default(5),
  // Under 100 ms a healthy query on a busy server fails; past a minute no client is still waiting.
  DB_TIMEOUT_MS: Joi.number().integer().min(100).max(60_000).default(DEFAULT_DB_TIMEOUT_MS),
}).unknown(true);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { error, value } = schema.validate(env, { abortEarly: false });
  if (error) throw new Error(`Invalid environment: ${error.details.map((d) => d.message).join('; ')}`);
  return {
    databaseUrl: value.DATABASE_URL,
    port: value.PORT,
    dbPoolMax: value.DB_POOL_MAX,
    dbTimeoutMs: value.DB_TIMEOUT_MS,
  };
}
// #endregion environment
