import { useTestDatabase } from '@cookbook/shared/testing';
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Accounts, defineAccounts } from '../account-model.js';
import { connectSequelize } from '../sequelize.js';

/**
 * A scratch database of this file's own with accounts 1 and 2 holding `balanceCents` each, reset
 * before every test, behind a Sequelize pool of `poolSize`.
 */
export function useTwoAccounts(label: string, balanceCents: number, poolSize = 8) {
  const database = useTestDatabase(label);
  let sequelize: Sequelize | undefined;
  let accounts: Accounts | undefined;

  beforeAll(async () => {
    // Postgres waits deadlock_timeout (1 s) before it looks for a cycle; 20 ms keeps a deadlock short.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET deadlock_timeout = '20ms'`);
    await admin.end();
    sequelize = connectSequelize(database.url, poolSize);
    accounts = await defineAccounts(sequelize);
  });
  afterAll(async () => {
    await sequelize?.close();
  });
  beforeEach(async () => {
    await accounts?.destroy({ where: {} });
    await accounts?.bulkCreate([
      { id: 1, balanceCents },
      { id: 2, balanceCents },
    ]);
  });

  const inHooks = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useTwoAccounts() is only available inside hooks and tests');
    return value;
  };
  return {
    get url() {
      return database.url;
    },
    get sequelize() {
      return inHooks(sequelize);
    },
    get accounts() {
      return inHooks(accounts);
    },
  };
}
