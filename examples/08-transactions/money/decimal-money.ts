import {
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';

export interface WalletRow extends Model<InferAttributes<WalletRow>, InferCreationAttributes<WalletRow>> {
  id: number;
  /** DECIMAL comes back from `pg` as a string ("100.00") so that no precision is lost. */
  balance: string;
}

export type Wallets = ModelStatic<WalletRow>;

/** A wallet with the Q&A's DECIMAL balance, to show what JavaScript does with it. */
export async function defineWallets(sequelize: Sequelize): Promise<Wallets> {
  const wallets = sequelize.define<WalletRow>(
    'Wallet',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      balance: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
    },
    { tableName: 'wallets', timestamps: false },
  );
  await wallets.sync();
  return wallets;
}

// #region naive-deposit
/**
 * The Q&A's `receiver.balance + amount`: the balance is the string "100.00", so `+` concatenates
 * to "100.0050", which Postgres rounds into the DECIMAL(12,2) column as 100.01. TypeScript accepts
 * string + number, so nothing warns.
 */
export async function naiveDeposit(wallets: Wallets, id: number, amount: number): Promise<string> {
  const wallet = await wallets.findByPk(id, { rejectOnEmpty: true });
  await wallet.update({ balance: wallet.balance + amount });
  return wallet.balance;
}
// #endregion naive-deposit

// #region deposit
/**
 * Lets Postgres do the arithmetic on its exact numeric type: `SET balance = balance + 50`. (A JS
 * number prints as its shortest exact decimal, e.g. 0.1 → "0.1", which numeric parses exactly.)
 */
export async function deposit(wallets: Wallets, id: number, amount: number): Promise<string> {
  await wallets.increment('balance', { by: amount, where: { id } });
  const wallet = await wallets.findByPk(id, { rejectOnEmpty: true });
  return wallet.balance;
}
// #endregion deposit
