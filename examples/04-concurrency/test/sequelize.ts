import { Sequelize } from 'sequelize';

/**
 * A small pool per test file (the Postgres server is shared by every package under test), and
 * deadlocks detected after 100 ms instead of Postgres' default 1 s so the deadlock tests stay quick.
 */
export function testSequelize(url: string, max = 8): Sequelize {
  return new Sequelize(url, {
    logging: false,
    pool: { max, min: 0, acquire: 30_000 },
    dialectOptions: { options: '-c deadlock_timeout=100ms' },
  });
}
