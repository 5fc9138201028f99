import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { barrier } from '../test/barrier.js';
import { testSequelize } from '../test/sequelize.js';
import {
  AccountNotFoundError,
  type Accounts,
  type ChangedRows,
  defineAccounts,
  InsufficientFundsError,
  naiveTransferFunds,
  type TransferRequest,
  transferFunds,
} from './db-transaction.js';

const OPENING = 1000;
const database = useTestDatabase('db-transaction');
let sequelize: Sequelize;
let accounts: Accounts;
let alice: number;
let bob: number;

beforeAll(async () => {
  sequelize = testSequelize(database.url);
  accounts = defineAccounts(sequelize);
  await accounts.sync();
});
afterAll(async () => {
  await sequelize?.close();
});
beforeEach(async () => {
  await accounts.truncate({ restartIdentity: true });
  const rows = await accounts.bulkCreate([
    { owner: 'alice', balance: OPENING },
    { owner: 'bob', balance: OPENING },
  ]);
  [alice, bob] = rows.map((row) => row.id) as [number, number];
});

async function balances(): Promise<number[]> {
  return (await accounts.findAll({ order: [['id', 'ASC']] })).map((row) => row.balance);
}
const isDeadlock = (error: unknown) => /deadlock detected/.test(String(error));
const lockWaiters = async (): Promise<number> => {
  const [rows] = await sequelize.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return (rows as { n: number }[])[0]?.n ?? 0;
};

/** 30 transfers each way between the same two accounts, all started at once. */
async function trafficBothWays(transfer: (request: TransferRequest) => Promise<void>) {
  const requests = Array.from({ length: 60 }, (_, i) => ({
    from: i % 2 ? alice : bob,
    to: i % 2 ? bob : alice,
    amount: 1 + ((i * 37) % 50),
  }));
  const outcomes = await Promise.allSettled(requests.map(transfer));
  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  return {
    completed: outcomes.length - errors.length,
    deadlocks: errors.filter(isDeadlock).length,
    unexpected: errors.filter((e) => !(e instanceof InsufficientFundsError) && !isDeadlock(e)),
  };
}

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
