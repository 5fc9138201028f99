import { type Sequelize, Transaction } from 'sequelize';
import { AccountNotFoundError, InsufficientFundsError } from '../accounts/accounts.js';
import { type RetryOptions, retryTransaction } from '../retry/retry-transaction.js';
import type { Accounts } from './account-model.js';

// #region withdraw-serializable
/**
 * No row lock: SERIALIZABLE makes Postgres abort this transaction (SQLSTATE 40001) if another one
 * changed the balance after we read it. Correct, but alone it turns every collision into an error.
 */
export async function withdrawSerializable(
  sequelize: Sequelize,
  accounts: Accounts,
  id: number,
  amountCents: number,
): Promise<number> {
  return sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.SERIALIZABLE }, async (transaction) => {
    const account = await accounts.findByPk(id, { transaction });
    if (!account) throw new AccountNotFoundError(id);
    if (account.balanceCents < amountCents) throw new InsufficientFundsError(id, account.balanceCents, amountCents);
    const balanceCents = account.balanceCents - amountCents;
    await account.update({ balanceCents }, { transaction });
    return balanceCents;
  });
}

/** The same withdrawal, rerun from the start (a fresh read) when Postgres reports a conflict. */
export function withdraw(
  sequelize: Sequelize,
  accounts: Accounts,
  id: number,
  amountCents: number,
  retry: RetryOptions = {},
): Promise<number> {
  return retryTransaction(() => withdrawSerializable(sequelize, accounts, id, amountCents), retry);
}
// #endregion withdraw-serializable
