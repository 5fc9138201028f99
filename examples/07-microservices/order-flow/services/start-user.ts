import type { Logger } from '../../correlation/logger.js';
import { schemaPool } from '../../db/schema-pool.js';
import { watchPool } from '../../telemetry/dependency-metrics.js';
import { createUserApp, USERS_DDL } from '../user-service.js';
import { userServiceEnv } from './deployables.js';
import type { EnvOf } from './env.js';
import { runMain } from './run-main.js';
import { startService } from './run-service.js';

export type UserServiceConfig = EnvOf<typeof userServiceEnv>;

/** user-service alone: its pool and schema, its app, its registration. */
export function startUserService(config: UserServiceConfig, log: Logger) {
  return startService('user-service', config, log, async ({ stopping, onStop }) => {
    const pool = schemaPool(config.DATABASE_URL, 'users');
    watchPool(pool, 'users'); // its connections and waiting queries on /metrics
    onStop(() => pool.end());
    await pool.query(USERS_DDL);
    return createUserApp({ pool, log, readiness: { stopping } });
  });
}

if (import.meta.main) await runMain('user-service', userServiceEnv, startUserService);
