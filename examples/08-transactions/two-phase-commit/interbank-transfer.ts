import type pg from 'pg';
import { AccountNotFoundError, createAccountsTable } from '../accounts/accounts.js';
import { assertCents } from '../money/cents.js';
import type { Branch } from './two-phase-commit.js';

/** Each bank is its own database with its own accounts; the CHECK is how a bank refuses to overdraw. */
export async function createBankTables(bank: pg.Pool): Promise<void> {
  await createAccountsTable(bank);
}

export interface AccountRef {
  bank: string;
  pool: pg.Pool;
  accountId: number;
}

async function applyDelta(client: pg.PoolClient, accountId: number, deltaCents: number): Promise<void> {
  const { rowCount } = await client.query('UPDATE accounts SET balance_cents = balance_cents + $2 WHERE id = $1', [
    accountId,
    deltaCents,
  ]);
  if (rowCount === 0) throw new AccountNotFoundError(accountId);
}

/** A transfer between two banks as two branches: a debit in one database, a credit in the other. */
export function interbankTransfer(from: AccountRef, to: AccountRef, amountCents: number): Branch[] {
  assertCents(amountCents);
  return [
    { participant: from.bank, pool: from.pool, work: (client) => applyDelta(client, from.accountId, -amountCents) },
    { participant: to.bank, pool: to.pool, work: (client) => applyDelta(client, to.accountId, amountCents) },
  ];
}

/** Two-phase commit needs `max_prepared_transactions` > 0, and Postgres ships with 0. */
export async function assertPreparedTransactionsEnabled(pool: pg.Pool): Promise<number> {
  // SHOW always answers exactly one row.
  const [{ max_prepared_transactions: setting }] = (await pool.query('SHOW max_prepared_transactions')).rows;
  const max = Number(setting);
  if (max > 0) return max;
  throw new Error(preparedTransactionsDisabledMessage(max));
}

export function preparedTransactionsDisabledMessage(max: number): string {
  return [
    `Postgres has max_prepared_transactions = ${max}, so PREPARE TRANSACTION is disabled.`,
    'Set it to the most transactions you expect prepared at once (64 is plenty here), then restart Postgres:',
    "  psql -c 'ALTER SYSTEM SET max_prepared_transactions = 64' && sudo systemctl restart postgresql",
    '  or, in Docker: postgres -c max_prepared_transactions=64 (the command of the compose service).',
  ].join('\n');
}
