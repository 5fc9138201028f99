import {
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';

export interface AccountRow extends Model<InferAttributes<AccountRow>, InferCreationAttributes<AccountRow>> {
  id: number;
  /** Integer cents: `pg` returns `integer` as a JS number, so `+` adds (DECIMAL comes back as a string). */
  balanceCents: number;
}

export type Accounts = ModelStatic<AccountRow>;

/** Defines the account model on this connection and creates its table if missing. */
export async function defineAccounts(sequelize: Sequelize): Promise<Accounts> {
  const accounts = sequelize.define<AccountRow>(
    'Account',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      balanceCents: { type: DataTypes.INTEGER, allowNull: false, field: 'balance_cents' },
    },
    { tableName: 'accounts', timestamps: false },
  );
  await accounts.sync();
  return accounts;
}

/** The sum of every balance: what no transfer may change. */
export async function totalCents(accounts: Accounts): Promise<number> {
  const total = await accounts.sum('balanceCents');
  return Number(total ?? 0);
}

export class AccountNotFoundError extends Error {
  constructor(readonly accountId: number) {
    super(`account ${accountId} does not exist`);
    this.name = 'AccountNotFoundError';
  }
}

export class InsufficientFundsError extends Error {
  constructor(
    readonly accountId: number,
    readonly balanceCents: number,
    readonly amountCents: number,
  ) {
    super(`account ${accountId} has ${balanceCents} cents, cannot send ${amountCents}`);
    this.name = 'InsufficientFundsError';
  }
}
