import { waitUntil } from '@cookbook/shared/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InsufficientFundsError } from '../accounts/accounts.js';
import { sqlState } from '../retry/retry-transaction.js';
import { totalCents } from './account-model.js';
import { useTwoAccounts } from './test/two-accounts.js';
import { naiveTransfer, transferFunds } from './transfer.js';

const bank = useTwoAccounts('transfer', 100_000);

const TRANSFERS = 200;

const session = () => new pg.Client({ connectionString: bank.url });
const lockWaiters = async (client: pg.Client): Promise<number> =>
  (
    await client.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    )
  ).rows[0].n;

/** A→B and B→A interleaved, all started at once: the pool (8) is the concurrency. */
function opposingTransfers(transfer: (from: number, to: number, cents: number) => Promise<void>) {
  return Promise.allSettled(
    Array.from({ length: TRANSFERS }, (_, i) => (i % 2 === 0 ? transfer(1, 2, 100 + i) : transfer(2, 1, 100 + i))),
  );
}

function failureCodes(results: PromiseSettledResult<void>[]): (string | undefined)[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [sqlState(r.reason)] : []));
}
describe('acid-transfer: lock order', () => {
  // #region deadlock-pitfall
  it('the Q&A order (sender, then receiver) deadlocks under opposite transfers: Postgres reports 40P01', async () => {
    const results = await opposingTransfers((from, to, cents) =>
      naiveTransfer(bank.sequelize, bank.accounts, from, to, cents),
    );
    const codes = failureCodes(results);
    expect(codes).toContain('40P01');
    expect(new Set(codes)).toEqual(new Set(['40P01']));
    // A deadlock victim is rolled back whole, so money is not lost, only the transfer.
    expect(await totalCents(bank.accounts)).toBe(200_000);
  });
  // #endregion deadlock-pitfall

  it('locking both rows in id order finishes every transfer: no deadlock, total conserved', async () => {
    const results = await opposingTransfers((from, to, cents) =>
      transferFunds(bank.sequelize, bank.accounts, from, to, cents),
    );
    expect(failureCodes(results)).toEqual([]);
    expect(await totalCents(bank.accounts)).toBe(200_000);
    const [one, two] = await Promise.all([bank.accounts.findByPk(1), bank.accounts.findByPk(2)]);
    // Even transfers move 100+i from 1 to 2, odd ones 100+i back: account 2 ends up TRANSFERS/2 cents poorer.
    expect(two?.balanceCents).toBe(100_000 - TRANSFERS / 2);
    expect(one?.balanceCents).toBe(100_000 + TRANSFERS / 2);
  });

  // #region lock-order
  it('takes the lower id first: while a rival holds account 2, the transfer already holds account 1', async () => {
    // Stored as 2, then 1: without the ORDER BY, a scan meets (and locks) account 2 first.
    await bank.accounts.destroy({ where: {} });
    await bank.accounts.bulkCreate([
      { id: 2, balanceCents: 100_000 },
      { id: 1, balanceCents: 100_000 },
    ]);
    await bank.sequelize.query('ANALYZE accounts');
    const [rival, probe] = [session(), session()];
    await Promise.all([rival.connect(), probe.connect()]);
    try {
      await rival.query('BEGIN');
      await rival.query('SELECT 1 FROM accounts WHERE id = 2 FOR UPDATE');
      const transfer = transferFunds(bank.sequelize, bank.accounts, 2, 1, 100);
      await waitUntil(async () => (await lockWaiters(probe)) === 1, 'the transfer to wait for account 2');
      // NOWAIT fails at once (55P03) on a row another transaction has locked.
      const tryLockOne = probe.query('SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE NOWAIT');
      await expect(tryLockOne).rejects.toMatchObject({ code: '55P03' });
      await rival.query('COMMIT');
      await transfer;
      expect((await bank.accounts.findByPk(1))?.balanceCents).toBe(100_100);
    } finally {
      await Promise.all([rival.end(), probe.end()]);
    }
  });
  // #endregion lock-order

  it('never overdraws: concurrent transfers larger than the balance fail cleanly and nothing goes negative', async () => {
    await bank.accounts.update({ balanceCents: 1_000 }, { where: { id: 1 } });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () => transferFunds(bank.sequelize, bank.accounts, 1, 2, 100)),
    );
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(30);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(InsufficientFundsError);
    expect((await bank.accounts.findByPk(1))?.balanceCents).toBe(0);
    expect(await totalCents(bank.accounts)).toBe(101_000);
  });

  it('locks only the two accounts it moves money between', async () => {
    await bank.accounts.create({ id: 3, balanceCents: 0 });
    const rival = session();
    await rival.connect();
    try {
      await rival.query('BEGIN');
      await rival.query('SELECT 1 FROM accounts WHERE id = 3 FOR UPDATE');
      await transferFunds(bank.sequelize, bank.accounts, 1, 2, 100); // would wait on account 3 if it locked it
      expect((await bank.accounts.findByPk(2))?.balanceCents).toBe(100_100);
    } finally {
      await rival.end();
    }
  });
});
