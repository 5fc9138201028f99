import { useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createCoordinatorLog } from '../coordinator-log.js';
import { assertPreparedTransactionsEnabled, createBankTables } from '../interbank-transfer.js';
import { rollBackLeftovers } from './leftovers.js';

export interface TwoBanksOptions {
  /** Connections per bank: small, so a coordinator that keeps one after a refusal soon waits forever. */
  max: number;
  /** Accounts 1…n in each bank, each opened with 100.00 before every test. */
  accounts?: number;
  /** Bounds every bank statement, so a lock nobody releases fails the test instead of hanging it. */
  statementTimeoutMs?: number;
}

export interface TwoBanks {
  readonly bankA: pg.Pool;
  readonly bankB: pg.Pool;
  /** The coordinator's own database, where decisions are logged. */
  readonly log: pg.Pool;
  /** Connection URLs, for a coordinator started in a process of its own. */
  readonly urls: { bankA: string; bankB: string; log: string };
  participants(): { bank_a: pg.Pool; bank_b: pg.Pool };
  /** Account 1's balance in bank_a and in bank_b. */
  balances(): Promise<number[]>;
}

/**
 * Two bank databases and a coordinator log for one test file. Before each test, and after the last,
 * nothing is left prepared in either bank: a prepared transaction outlives its session and keeps
 * its row locks, which the next test's TRUNCATE would wait on.
 */
export function useTwoBanks({ max, accounts = 1, statementTimeoutMs }: TwoBanksOptions): TwoBanks {
  const databases = [useTestDatabase('bank_a'), useTestDatabase('bank_b')] as const;
  const coordinatorDatabase = useTestDatabase('coordinator');
  let pools: { bankA: pg.Pool; bankB: pg.Pool; log: pg.Pool } | undefined;
  const opened = () => {
    if (!pools) throw new Error('useTwoBanks() pools exist only inside hooks and tests');
    return pools;
  };
  const participants = () => ({ bank_a: opened().bankA, bank_b: opened().bankB });

  beforeAll(async () => {
    const options = statementTimeoutMs === undefined ? {} : { options: `-c statement_timeout=${statementTimeoutMs}` };
    const [bankA, bankB] = databases.map((db) => db.pool({ max, ...options })) as [pg.Pool, pg.Pool];
    pools = { bankA, bankB, log: coordinatorDatabase.pool({ max: 2 }) };
    await assertPreparedTransactionsEnabled(bankA);
    await Promise.all([createBankTables(bankA), createBankTables(bankB), createCoordinatorLog(pools.log)]);
  });
  // afterAll runs before the databases are dropped (hooks unwind in reverse).
  afterAll(() => rollBackLeftovers(participants()));
  beforeEach(async () => {
    await rollBackLeftovers(participants());
    const rows = Array.from({ length: accounts }, (_, i) => `(${i + 1}, 10000)`).join(', ');
    for (const pool of [opened().bankA, opened().bankB]) {
      await pool.query('TRUNCATE accounts');
      await pool.query(`INSERT INTO accounts (id, balance_cents) VALUES ${rows}`);
    }
  });

  return {
    get bankA() {
      return opened().bankA;
    },
    get bankB() {
      return opened().bankB;
    },
    get log() {
      return opened().log;
    },
    get urls() {
      return { bankA: databases[0].url, bankB: databases[1].url, log: coordinatorDatabase.url };
    },
    participants,
    balances: () =>
      Promise.all(
        [opened().bankA, opened().bankB].map(
          async (pool) => (await pool.query('SELECT balance_cents FROM accounts WHERE id = 1')).rows[0]?.balance_cents,
        ),
      ),
  };
}
