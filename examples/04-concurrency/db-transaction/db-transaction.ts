import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelStatic,
  Op,
  type Sequelize,
} from 'sequelize';

export interface Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  id: CreationOptional<number>;
  owner: string;
  /** In cents: integers add up exactly. */
  balance: number;
}

export type Accounts = ModelStatic<Account>;

export function defineAccounts(sequelize: Sequelize): Accounts {
  return sequelize.define<Account>(
    'Account',
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      owner: { type: DataTypes.TEXT, allowNull: false },
      balance: { type: DataTypes.INTEGER, allowNull: false },
    },
    { tableName: 'accounts', timestamps: false },
  );
}

export class InsufficientFundsError extends Error {
  constructor(readonly accountId: number) {
    super(`account ${accountId} has insufficient funds`);
    this.name = 'InsufficientFundsError';
  }
}

export class AccountNotFoundError extends Error {
  constructor(readonly accountId: number) {
    super(`account ${accountId} does not exist`);
    this.name = 'AccountNotFoundError';
  }
}

export interface TransferRequest {
  from: number;
  to: number;
  /** Cents, a positive integer. */
  amount: number;
}

/** What `increment`/`decrement` resolve to on Postgres, whatever Sequelize 6's types say: [[rows, count]]. */
export type ChangedRows = [[Account[], number]];

/** Test seam: runs between the debit and the credit, while the sender's row is locked. */
export type AfterDebit = () => Promise<void>;

// #region naive-transfer
/**
 * The Q&A's Prisma transfer, translated line for line to Sequelize: debit, check, credit. Atomic,
 * but each UPDATE locks its row when it runs, so A→B and B→A at the same time lock in opposite
 * orders and Postgres kills one as a deadlock. It trusts `amount`: a negative one moves money
 * backwards. And the translation adds a defect of its own: Prisma's `update` throws (P2025) when no
 * row matches, rolling the debit back, but Sequelize's `increment` only reports 0 rows changed, so
 * a missing receiver's money is debited and credited to nobody.
 */
export async function naiveTransferFunds(
  sequelize: Sequelize,
  accounts: Accounts,
  { from, to, amount }: TransferRequest,
  afterDebit: AfterDebit = async () => {},
): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    const [[debited]] = (await accounts.decrement('balance', {
      by: amount,
      where: { id: from },
      transaction,
    })) as unknown as ChangedRows;
    const sender = debited[0];
    if (!sender) throw new AccountNotFoundError(from);
    if (sender.balance < 0) throw new InsufficientFundsError(from);
    await afterDebit();
    await accounts.increment('balance', { by: amount, where: { id: to }, transaction });
  });
}
// #endregion naive-transfer

// #region transfer
/**
 * Locks both rows up front, always in id order, so opposite transfers queue instead of
 * deadlocking; checks the balance under the lock; validates before opening a transaction.
 */
export async function transferFunds(
  sequelize: Sequelize,
  accounts: Accounts,
  { from, to, amount }: TransferRequest,
): Promise<void> {
  if (!Number.isInteger(amount) || amount <= 0) throw new RangeError('amount must be a positive integer of cents');
  if (from === to) throw new RangeError('from and to must be different accounts');
  await sequelize.transaction(async (transaction) => {
    const locked = await accounts.findAll({
      where: { id: { [Op.in]: [from, to] } },
      order: [['id', 'ASC']],
      lock: transaction.LOCK.UPDATE,
      transaction,
    });
    const sender = locked.find((account) => account.id === from);
    if (!sender) throw new AccountNotFoundError(from);
    if (!locked.some((account) => account.id === to)) throw new AccountNotFoundError(to);
    if (sender.balance < amount) throw new InsufficientFundsError(from);
    await accounts.decrement('balance', { by: amount, where: { id: from }, transaction });
    await accounts.increment('balance', { by: amount, where: { id: to }, transaction });
  });
}
// #endregion transfer
