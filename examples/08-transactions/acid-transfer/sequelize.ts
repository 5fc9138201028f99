import { Sequelize } from 'sequelize';

/** A small pool: the database is shared, and a transfer holds one connection for its whole transaction. */
export function connectSequelize(url: string, poolMax = 8): Sequelize {
  return new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: poolMax, min: 0, idle: 1_000 } });
}
