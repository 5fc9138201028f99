import pg from 'pg';
import { Sequelize } from 'sequelize';

/**
 * One Sequelize instance per process, created by the composition root and passed down: nothing
 * imports a global connection. `dialectModule` hands Sequelize our `pg` so it never has to find
 * it through its own require paths.
 */
export function createDatabase(url: string, options: { poolMax?: number } = {}): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: false,
    pool: { max: options.poolMax ?? 5, min: 0, idle: 10_000 },
  });
}
