import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { AccountNotFoundError, transferFunds } from './db-transaction.js';
import {
  accounts,
  alice,
  balances,
  bob,
  lockWaiters,
  OPENING,
  sequelize,
  trafficBothWays,
  useTwoAccounts,
} from './test/two-accounts.js';

useTwoAccounts('db-transaction');

describe('transferFunds (rows locked in id order)', () => {
  it('under the same traffic, completes every transfer: total conserved, nobody negative', async () => {
    const { completed, deadlocks, unexpected } = await trafficBothWays((r) => transferFunds(sequelize, accounts, r));
    expect(unexpected).toEqual([]);
    expect(deadlocks).toBe(0);
    expect(completed).toBeGreaterThan(0);
    const after = await balances();
    expect(after.reduce((a, b) => a + b)).toBe(2 * OPENING);
    expect(Math.min(...after)).toBeGreaterThanOrEqual(0);
  });

  // #region lock-order
  it('locks the lower id first: while a rival holds account 2, the transfer already holds account 1', async () => {
    // Stored as 2, then 1: a scan without ORDER BY meets (and locks) account 2 first.
    await accounts.truncate();
    await accounts.bulkCreate([
      { id: 2, owner: 'bob', balance: OPENING },
      { id: 1, owner: 'alice', balance: OPENING },
    ]);
    await sequelize.query('ANALYZE accounts');
    const rival = await sequelize.transaction();
    let rivalOpen = true;
    try {
      await sequelize.query('SELECT 1 FROM accounts WHERE id = 2 FOR UPDATE', { transaction: rival });
      const transfer = transferFunds(sequelize, accounts, { from: 2, to: 1, amount: 100 });
      await waitUntil(async () => (await lockWaiters()) === 1, 'the transfer to wait for account 2');
      // NOWAIT fails at once on a row that another transaction has locked.
      const probe = sequelize.query('SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE NOWAIT');
      await expect(probe).rejects.toThrow(/could not obtain lock/);
      await rival.commit();
      rivalOpen = false;
      await transfer;
    } finally {
      if (rivalOpen) await rival.rollback();
    }
    expect(await balances()).toEqual([OPENING + 100, OPENING - 100]);
  });
  // #endregion lock-order

  it('refuses an overdraft and leaves both balances alone; the whole balance may go', async () => {
    await expect(
      transferFunds(sequelize, accounts, { from: alice, to: bob, amount: OPENING + 1 }),
    ).rejects.toMatchObject({ name: 'InsufficientFundsError', message: `account ${alice} has insufficient funds` });
    expect(await balances()).toEqual([OPENING, OPENING]);
    await transferFunds(sequelize, accounts, { from: alice, to: bob, amount: OPENING });
    expect(await balances()).toEqual([0, 2 * OPENING]);
  });

  it('locks only the two accounts it moves money between', async () => {
    const carol = (await accounts.create({ owner: 'carol', balance: 0 })).id;
    const rival = await sequelize.transaction();
    try {
      await sequelize.query(`SELECT 1 FROM accounts WHERE id = ${carol} FOR UPDATE`, { transaction: rival });
      await transferFunds(sequelize, accounts, { from: alice, to: bob, amount: 1 }); // would wait on carol
    } finally {
      await rival.rollback();
    }
    expect(await balances()).toEqual([OPENING - 1, OPENING + 1, 0]);
  });

  it('refuses an account without an owner or a balance before sending any SQL', async () => {
    await expect(accounts.create({ owner: 'dan' } as never)).rejects.toThrow(/Account\.balance cannot be null/);
    await expect(accounts.create({ balance: 1 } as never)).rejects.toThrow(/Account\.owner cannot be null/);
  });

  it('maps onto a table of just an id, an owner and a balance: no timestamp columns to migrate', async () => {
    const [rows] = await sequelize.query(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'accounts' ORDER BY name`,
    );
    expect((rows as { name: string }[]).map((row) => row.name)).toEqual(['balance', 'id', 'owner']);
  });

  it('rejects an unknown account, a zero or negative amount and a self-transfer without touching balances', async () => {
    await expect(transferFunds(sequelize, accounts, { from: alice, to: 9999, amount: 1 })).rejects.toMatchObject({
      name: 'AccountNotFoundError',
      message: 'account 9999 does not exist',
    });
    await expect(transferFunds(sequelize, accounts, { from: alice, to: bob, amount: 0 })).rejects.toThrow(
      /positive integer/,
    );
    await expect(transferFunds(sequelize, accounts, { from: alice, to: alice, amount: 1 })).rejects.toThrow(
      /different accounts/,
    );
    await expect(transferFunds(sequelize, accounts, { from: 9999, to: bob, amount: 1 })).rejects.toThrow(
      AccountNotFoundError,
    );
    await expect(transferFunds(sequelize, accounts, { from: alice, to: bob, amount: -300 })).rejects.toThrow(
      RangeError,
    );
    await expect(transferFunds(sequelize, accounts, { from: alice, to: alice, amount: 1 })).rejects.toThrow(RangeError);
    expect(await balances()).toEqual([OPENING, OPENING]);
  });
});
