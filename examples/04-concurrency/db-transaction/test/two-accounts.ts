import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { testSequelize } from '../../test/sequelize.js';
import { type Accounts, defineAccounts, InsufficientFundsError, type TransferRequest } from '../db-transaction.js';

export const OPENING = 1000;
// Live bindings: a test file imports these names and sees each test's fresh values.
export let sequelize: Sequelize;
export let accounts: Accounts;
export let alice: number;
export let bob: number;

/** A scratch database for the calling test file, and alice and bob with OPENING each before every test. */
export function useTwoAccounts(label: string): void {
  const database = useTestDatabase(label);
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
}

export async function balances(): Promise<number[]> {
  return (await accounts.findAll({ order: [['id', 'ASC']] })).map((row) => row.balance);
}
export const isDeadlock = (error: unknown) => /deadlock detected/.test(String(error));
export const lockWaiters = async (): Promise<number> => {
  const [rows] = await sequelize.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return (rows as { n: number }[])[0]?.n ?? 0;
};

/** 30 transfers each way between the same two accounts, all started at once. */
export async function trafficBothWays(transfer: (request: TransferRequest) => Promise<void>) {
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
