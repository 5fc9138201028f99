import {
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';
import { createAccountsTable } from '../accounts/accounts.js';

export interface AccountRow extends Model<InferAttributes<AccountRow>, InferCreationAttributes<AccountRow>> {
  id: number;
  /** Integer cents: `pg` returns `integer` as a JS number, so `+` adds (DECIMAL comes back as a string). */
  balanceCents: number;
}

export type Accounts = ModelStatic<AccountRow>;

/** Creates the shared accounts table if missing and maps a Sequelize model onto it. */
export async function defineAccounts(sequelize: Sequelize): Promise<Accounts> {
  await createAccountsTable(sequelize);
  return sequelize.define<AccountRow>(
    // Stryker disable next-line StringLiteral: tableName names the table; the model name only labels it
    'Account',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      balanceCents: { type: DataTypes.INTEGER, allowNull: false, field: 'balance_cents' },
    },
    { tableName: 'accounts', timestamps: false },
  );
}

/** The sum of every balance: what no transfer may change. */
export async function totalCents(accounts: Accounts): Promise<number> {
  const total = await accounts.sum('balanceCents');
  return Number(total ?? 0);
}
