import type { Sequelize } from 'sequelize';

// #region naive-sync
/**
 * The shortcut: let the ORM create tables from the models at startup. `sync()` only creates
 * tables that are missing; it never changes one that exists, so a column added in a later
 * release never reaches a database created by an earlier one. (`alter: true` guesses instead,
 * and `force: true` drops your data.)
 */
export async function naiveSyncSchema(sequelize: Sequelize): Promise<void> {
  await sequelize.sync();
}
// #endregion naive-sync
