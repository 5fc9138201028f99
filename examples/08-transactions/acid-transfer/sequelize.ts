import { Sequelize } from 'sequelize';

/** A small pool: the database is shared, and a transfer holds one connection for its whole transaction. */
export function connectSequelize(url: string, poolMax = 8): Sequelize {
  // The URL's scheme names the dialect.
  // Stryker disable next-line BooleanLiteral: logging only prints each query's SQL to stdout
  return new Sequelize(url, { logging: false, pool: { max: poolMax, min: 0, idle: 1_000 } });
}
