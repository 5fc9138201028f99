import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sqlState } from '../retry/retry-transaction.js';
import { createCoordinatorLog } from './coordinator-log.js';
import { createBankTables, interbankTransfer } from './interbank-transfer.js';
import { parallelDistributedTransaction } from './parallel-two-phase-commit.js';
import { rollBackLeftovers } from './test/leftovers.js';
import { type Branch, runDistributedTransaction } from './two-phase-commit.js';
import { inDoubtBranches } from './two-phase-recovery.js';

const banks = [useTestDatabase('bank_a'), useTestDatabase('bank_b')] as const;
const coordinator = useTestDatabase('coordinator');
const nameOf = (url: string) => new URL(url).pathname.slice(1);
let log: pg.Pool;
// Every statement is bounded, so no stall can hang the test itself.
const bankPool = (i: 0 | 1, settings = '') =>
  banks[i].pool({ max: 4, options: `-c statement_timeout=20000 ${settings}`.trim() });
let bankA: pg.Pool;
let bankB: pg.Pool;

beforeAll(async () => {
  log = coordinator.pool({ max: 4 });
  // Postgres looks for a deadlock cycle after deadlock_timeout: 20 ms, so a cycle it could see would die fast.
  for (const bank of banks) await log.query(`ALTER DATABASE "${nameOf(bank.url)}" SET deadlock_timeout = '20ms'`);
  [bankA, bankB] = [bankPool(0), bankPool(1)];
  await Promise.all([createBankTables(bankA), createBankTables(bankB), createCoordinatorLog(log)]);
});

afterAll(() => rollBackLeftovers({ bank_a: bankA, bank_b: bankB }));

beforeEach(async () => {
  await rollBackLeftovers({ bank_a: bankA, bank_b: bankB });
  for (const pool of [bankA, bankB]) {
    await pool.query('TRUNCATE accounts');
    await pool.query('INSERT INTO accounts (id, balance_cents) VALUES (1, 100000)');
  }
});

const balances = async () =>
  Promise.all(
    [bankA, bankB].map(async (pool) => (await pool.query('SELECT balance_cents FROM accounts')).rows[0]?.balance_cents),
  );
const prepared = async () => [...(await inDoubtBranches('bank_a', bankA)), ...(await inDoubtBranches('bank_b', bankB))];
const aToB = (a: pg.Pool, b: pg.Pool, cents: number) =>
  interbankTransfer({ bank: 'bank_a', pool: a, accountId: 1 }, { bank: 'bank_b', pool: b, accountId: 1 }, cents);
const bToA = (a: pg.Pool, b: pg.Pool, cents: number) =>
  interbankTransfer({ bank: 'bank_b', pool: b, accountId: 1 }, { bank: 'bank_a', pool: a, accountId: 1 }, cents);

describe('two-phase-commit: coordinators running at once', () => {
  it('100 opposite interbank transfers (2×50 coordinators) all complete, money conserved, nothing left prepared', async () => {
    let lockTimeouts = 0;
    const options = { retry: { attempts: 8, onRetry: () => void lockTimeouts++ } };
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => {
        const cents = 100 + Math.floor(i / 2);
        const branches = i % 2 === 0 ? aToB(bankA, bankB, cents) : bToA(bankA, bankB, cents);
        return runDistributedTransaction(log, branches, options);
      }),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    // Each A→B transfer has a B→A twin of the same amount.
    expect(await balances()).toEqual([100_000, 100_000]);
    expect(await prepared()).toEqual([]);
    // Ordered, nothing waits for long: a timeout (then a retry) would mean a coordinator was stuck.
    expect(lockTimeouts).toBeLessThan(10);
  });

  // #region parallel-stall
  it('the parallel coordinator: two opposite transfers each prepare one side and wait for the other, until a timeout', async () => {
    const [a, b] = [bankPool(0, '-c lock_timeout=3000'), bankPool(1, '-c lock_timeout=3000')];
    const gate = gateOf(2);
    const t1 = parallelDistributedTransaction(log, heldFirst(aToB(a, b, 500), 'bank_a', gate));
    const t2 = parallelDistributedTransaction(log, heldFirst(bToA(a, b, 700), 'bank_b', gate));
    // The cycle: one branch of each prepared, the other of each waiting on it, in two databases.
    await waitUntil(
      async () => (await prepared()).length === 2 && (await lockWaiters()) === 2,
      'both coordinators to hold one side and wait for the other',
    );
    const results = await Promise.allSettled([t1, t2]);
    // deadlock_timeout is 20 ms, yet Postgres never reports 40P01: only the 3 s lock_timeout ended it.
    // The first to time out rolls back and frees its side, so the other may then finish.
    const codes = results.map((r) => (r.status === 'rejected' ? sqlState(r.reason) : 'committed'));
    expect(codes).toContain('55P03');
    expect(codes).not.toContain('40P01');
    const [bankA, bankB] = await balances();
    expect((bankA ?? 0) + (bankB ?? 0)).toBe(200_000);
    expect(await prepared()).toEqual([]);
  });
  // #endregion parallel-stall
});

/** Sessions of either bank waiting on a lock. */
async function lockWaiters(): Promise<number> {
  const { rows } = await log.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND wait_event_type = 'Lock'`,
    [banks.map((bank) => nameOf(bank.url))],
  );
  return rows[0].n;
}

/** A latch: resolves `opened` once `arrive()` was called `count` times. */
function gateOf(count: number) {
  const { promise: opened, resolve: open } = Promise.withResolvers<void>();
  return { opened, arrive: () => void (--count === 0 && open()) };
}

/** The worst interleaving, every time: each transfer locks its `first` side before either touches its second. */
function heldFirst(branches: Branch[], first: string, gate: ReturnType<typeof gateOf>): Branch[] {
  return branches.map((branch) => ({
    ...branch,
    work: async (client) => {
      if (branch.participant !== first) await gate.opened;
      await branch.work(client);
      if (branch.participant === first) gate.arrive();
    },
  }));
}
