import { describe, expect, it } from 'vitest';
import { barrier } from '../test/barrier.js';
import {
  AccountNotFoundError,
  type ChangedRows,
  InsufficientFundsError,
  naiveTransferFunds,
} from './db-transaction.js';
import {
  accounts,
  alice,
  balances,
  bob,
  isDeadlock,
  OPENING,
  sequelize,
  trafficBothWays,
  useTwoAccounts,
} from './test/two-accounts.js';

useTwoAccounts('db-transaction-naive');

describe("the Q&A's transfer (debit, check, credit)", () => {
  // #region deadlock
  it('deadlocks when two opposite transfers each debit before either credits', async () => {
    const bothDebited = barrier(2);
    const outcomes = await Promise.allSettled([
      naiveTransferFunds(sequelize, accounts, { from: alice, to: bob, amount: 100 }, bothDebited),
      naiveTransferFunds(sequelize, accounts, { from: bob, to: alice, amount: 50 }, bothDebited),
    ]);
    const failed = outcomes.filter((o) => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isDeadlock((failed[0] as PromiseRejectedResult).reason)).toBe(true);
    expect((await balances()).reduce((a, b) => a + b)).toBe(2 * OPENING);
  });
  // #endregion deadlock

  it('under traffic both ways, it loses transfers to deadlocks', async () => {
    const { deadlocks, unexpected } = await trafficBothWays((r) => naiveTransferFunds(sequelize, accounts, r));
    expect(unexpected).toEqual([]);
    expect(deadlocks).toBeGreaterThan(0);
  });

  it('translated to Sequelize, makes money vanish when the receiver does not exist', async () => {
    // What the translation relies on and Prisma does not do: an UPDATE matching no row is no error.
    const [[, changed]] = (await accounts.increment('balance', {
      by: 100,
      where: { id: 9999 },
    })) as unknown as ChangedRows;
    expect(changed).toBe(0);
    // So the transfer resolves, the debit commits, and 100 leave the books.
    await expect(
      naiveTransferFunds(sequelize, accounts, { from: alice, to: 9999, amount: 100 }),
    ).resolves.toBeUndefined();
    expect(await balances()).toEqual([OPENING - 100, OPENING]);
  });

  it('its balance check is right: an overdraft is refused and the debit rolled back', async () => {
    const overdraft = naiveTransferFunds(sequelize, accounts, { from: alice, to: bob, amount: OPENING + 1 });
    await expect(overdraft).rejects.toThrow(InsufficientFundsError);
    expect(await balances()).toEqual([OPENING, OPENING]);
  });

  it('refuses an unknown sender, and lets the whole balance go', async () => {
    await expect(naiveTransferFunds(sequelize, accounts, { from: 9999, to: bob, amount: 1 })).rejects.toThrow(
      AccountNotFoundError,
    );
    await naiveTransferFunds(sequelize, accounts, { from: alice, to: bob, amount: OPENING });
    expect(await balances()).toEqual([0, 2 * OPENING]);
  });

  it('moves money backwards on a negative amount', async () => {
    await naiveTransferFunds(sequelize, accounts, { from: alice, to: bob, amount: -300 });
    expect(await balances()).toEqual([OPENING + 300, OPENING - 300]);
  });
});
