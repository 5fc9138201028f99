import Joi from 'joi';

export interface Config {
  databaseUrl: string;
  port: number;
  dbPoolMax: number;
}

// #region environment
/** Read once at startup, validated, typed: a bad variable stops the process with its name, not a 500 later. */
const schema = Joi.object({
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .default('postgres://postgres:postgres@127.0.0.1:5432/postgres'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  DB_POOL_MAX: Joi.number().integer().min(1).max(50).default(5),
}).unknown(true);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { error, value } = schema.validate(env, { abortEarly: false });
  if (error) throw new Error(`Invalid environment: ${error.details.map((d) => d.message).join('; ')}`);
  return { databaseUrl: value.DATABASE_URL, port: value.PORT, dbPoolMax: value.DB_POOL_MAX };
}
// #endregion environment
