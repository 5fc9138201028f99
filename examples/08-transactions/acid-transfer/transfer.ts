import { Op, type Sequelize } from 'sequelize';
import { AccountNotFoundError, InsufficientFundsError } from '../accounts/accounts.js';
import { assertCents } from '../money/cents.js';
import type { Accounts } from './account-model.js';

// #region naive-transfer
/**
 * The Q&A's transfer: lock the sender, then the receiver. Two opposite transfers (A→B and B→A)
 * each hold one lock and wait for the other's: Postgres breaks the cycle by killing one (40P01).
 */
export async function naiveTransfer(
  sequelize: Sequelize,
  accounts: Accounts,
  fromId: number,
  toId: number,
  amountCents: number,
): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    const sender = await accounts.findByPk(fromId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!sender) throw new AccountNotFoundError(fromId);
    if (sender.balanceCents < amountCents) throw new InsufficientFundsError(fromId, sender.balanceCents, amountCents);
    await sender.update({ balanceCents: sender.balanceCents - amountCents }, { transaction });
    const receiver = await accounts.findByPk(toId, { transaction, lock: transaction.LOCK.UPDATE });
    if (!receiver) throw new AccountNotFoundError(toId);
    await receiver.update({ balanceCents: receiver.balanceCents + amountCents }, { transaction });
  });
}
// #endregion naive-transfer

// #region transfer-funds
/**
 * Locks both rows in one statement, in id order, so every transfer takes its locks in the same
 * order and no two can wait on each other. The arithmetic runs in SQL on integer cents.
 */
export async function transferFunds(
  sequelize: Sequelize,
  accounts: Accounts,
  fromId: number,
  toId: number,
  amountCents: number,
): Promise<void> {
  assertCents(amountCents);
  if (fromId === toId) throw new RangeError('cannot transfer to the same account');
  await sequelize.transaction(async (transaction) => {
    const locked = await accounts.findAll({
      where: { id: { [Op.in]: [fromId, toId] } },
      order: [['id', 'ASC']],
      lock: transaction.LOCK.UPDATE,
      transaction,
    });
    const sender = locked.find((account) => account.id === fromId);
    if (!sender) throw new AccountNotFoundError(fromId);
    if (!locked.some((account) => account.id === toId)) throw new AccountNotFoundError(toId);
    if (sender.balanceCents < amountCents) throw new InsufficientFundsError(fromId, sender.balanceCents, amountCents);
    await accounts.decrement('balanceCents', { by: amountCents, where: { id: fromId }, transaction });
    await accounts.increment('balanceCents', { by: amountCents, where: { id: toId }, transaction });
  });
}
// #endregion transfer-funds
