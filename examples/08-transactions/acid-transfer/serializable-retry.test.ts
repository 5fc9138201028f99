import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqlState } from '../retry/retry-transaction.js';
import { type Accounts, defineAccounts } from './account-model.js';
import { connectSequelize } from './sequelize.js';
import { withdraw, withdrawSerializable } from './serializable-withdraw.js';

const database = useTestDatabase('serializable');
let sequelize: Sequelize;
let accounts: Accounts;
let rival: pg.Client;

beforeAll(async () => {
  sequelize = connectSequelize(database.url, 4);
  accounts = await defineAccounts(sequelize);
  rival = new pg.Client({ connectionString: database.url });
  await rival.connect();
});

afterAll(async () => {
  await rival?.end();
  await sequelize?.close();
});

beforeEach(async () => {
  await accounts.destroy({ where: {} });
  await accounts.create({ id: 1, balanceCents: 1_000 });
});

/**
 * Resolves once some session of this database waits on a row lock (bounded, no fixed sleep). Asked
 * outside the rival's transaction: inside one, pg_stat_activity is read once and then cached.
 */
const waitForLockWaiter = () =>
  waitUntil(async () => {
    const [rows] = await sequelize.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return (rows as { n: number }[])[0]?.n ?? 0;
  }, 'a session waiting on the row lock');

/**
 * Makes a real serialization failure: a rival transaction changes the row and holds it; our
 * SERIALIZABLE withdrawal reads the old balance, then blocks on its UPDATE; the rival commits, and
 * Postgres aborts ours with 40001 because the row it read has changed.
 */
async function withRivalWithdrawal<T>(run: () => Promise<T>): Promise<PromiseSettledResult<T>> {
  await rival.query('BEGIN');
  await rival.query('UPDATE accounts SET balance_cents = balance_cents - 300 WHERE id = 1');
  const pending = Promise.allSettled([run()]);
  await waitForLockWaiter();
  await rival.query('COMMIT');
  const [result] = await pending;
  if (!result) throw new Error('unreachable');
  return result;
}

describe('acid-transfer: retry on serialization failure', () => {
  // #region serialization-failure
  it('one SERIALIZABLE attempt fails with 40001 when another transaction changed what it read', async () => {
    const result = await withRivalWithdrawal(() => withdrawSerializable(sequelize, accounts, 1, 200));
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && sqlState(result.reason)).toBe('40001');
    expect((await accounts.findByPk(1))?.balanceCents).toBe(700);
  });
  // #endregion serialization-failure

  it('the retried withdrawal reruns from a fresh read and both withdrawals land', async () => {
    const retries: string[] = [];
    const result = await withRivalWithdrawal(() =>
      withdraw(sequelize, accounts, 1, 200, { onRetry: (_attempt, error) => retries.push(sqlState(error) ?? '?') }),
    );
    expect(result).toEqual({ status: 'fulfilled', value: 500 });
    expect(retries).toEqual(['40001']);
    expect((await accounts.findByPk(1))?.balanceCents).toBe(500);
  });

  it('refuses an overdraft and an unknown account, and lets an exact balance go', async () => {
    await expect(withdrawSerializable(sequelize, accounts, 1, 1_001)).rejects.toThrow(/cannot send 1001/);
    await expect(withdrawSerializable(sequelize, accounts, 99, 1)).rejects.toThrow(/account 99/);
    expect(await withdrawSerializable(sequelize, accounts, 1, 1_000)).toBe(0);
  });

  it('holds one connection for the whole withdrawal: a pool of one is enough', async () => {
    const single = connectSequelize(database.url, 1);
    try {
      const model = await defineAccounts(single);
      const sessions = await Promise.all(
        [1, 2, 3].map(() => single.query('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)', { plain: true })),
      );
      expect(new Set(sessions.map((row) => row?.pid)).size).toBe(1); // three at once, one connection
      expect(await withdrawSerializable(single, model, 1, 100)).toBe(900);
    } finally {
      await single.close();
    }
  });
});
