/** A database handle or a session: anything that runs SQL (`pg.Pool`, `pg.PoolClient`, Sequelize's `query`). */
export interface RunsSql {
  query(sql: string): Promise<unknown>;
}

/**
 * The accounts table both the local transfer and each bank of the two-phase commit use: integer
 * cents (`pg` returns `int` as a JS number, so `+` adds), and a CHECK, so the database itself
 * refuses an overdraft that a bug in the code lets through.
 */
export async function createAccountsTable(db: RunsSql): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS accounts (
    id int PRIMARY KEY,
    balance_cents int NOT NULL CHECK (balance_cents >= 0)
  )`);
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
