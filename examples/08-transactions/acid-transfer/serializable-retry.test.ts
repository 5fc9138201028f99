import { useTestDatabase } from '@cookbook/shared/testing';
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Accounts, defineAccounts } from '../src/accounts.js';
import { retryTransaction, sqlState } from '../src/retry-transaction.js';
import { connectSequelize } from '../src/sequelize.js';
import { withdraw, withdrawSerializable } from '../src/serializable-withdraw.js';

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

/** Polls until some session of this database waits on a row lock (bounded, no fixed sleep). */
async function waitForLockWaiter(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await rival.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('no session started waiting on the lock within 10 s');
}

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
  it('one SERIALIZABLE attempt fails with 40001 when another transaction changed what it read', async () => {
    const result = await withRivalWithdrawal(() => withdrawSerializable(sequelize, accounts, 1, 200));
    expect(result.status).toBe('rejected');
    expect(result.status === 'rejected' && sqlState(result.reason)).toBe('40001');
    expect((await accounts.findByPk(1))?.balanceCents).toBe(700);
  });

  it('the retried withdrawal reruns from a fresh read and both withdrawals land', async () => {
    const retries: string[] = [];
    const result = await withRivalWithdrawal(() =>
      withdraw(sequelize, accounts, 1, 200, { onRetry: (_attempt, error) => retries.push(sqlState(error) ?? '?') }),
    );
    expect(result).toEqual({ status: 'fulfilled', value: 500 });
    expect(retries).toEqual(['40001']);
    expect((await accounts.findByPk(1))?.balanceCents).toBe(500);
  });
});

describe('retryTransaction', () => {
  const serializationFailure = () => Object.assign(new Error('could not serialize access'), { code: '40001' });
  const noWait = async () => {};

  it('gives up after `attempts` tries and throws the last error', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls++;
        throw serializationFailure();
      },
      { attempts: 4, wait: noWait },
    );
    await expect(failing).rejects.toThrow('could not serialize access');
    expect(calls).toBe(4);
  });

  it('does not retry an error that is not a conflict', async () => {
    let calls = 0;
    const failing = retryTransaction(
      async () => {
        calls++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      },
      { wait: noWait },
    );
    await expect(failing).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
  });

  it('waits a random delay below an exponentially growing, capped ceiling', async () => {
    const delays: number[] = [];
    await expect(
      retryTransaction(
        async () => {
          throw serializationFailure();
        },
        {
          attempts: 8,
          baseDelayMs: 10,
          maxDelayMs: 200,
          random: () => 0.999,
          wait: noWait,
          onRetry: (_a, _e, ms) => delays.push(ms),
        },
      ),
    ).rejects.toThrow();
    expect(delays).toEqual([9, 19, 39, 79, 159, 199, 199]);
    const jittered: number[] = [];
    await retryTransaction(
      async (attempt) => {
        if (attempt < 3) throw serializationFailure();
      },
      { baseDelayMs: 10, random: () => 0, wait: noWait, onRetry: (_a, _e, ms) => jittered.push(ms) },
    );
    expect(jittered).toEqual([0, 0]);
  });
});
