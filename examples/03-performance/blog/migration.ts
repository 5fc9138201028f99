import type { QueryInterface } from 'sequelize';

// #region migration
/**
 * The Q&A's indexes as a migration. Postgres does not index a foreign key by itself, so without
 * the second one every "posts of this user" lookup scans the whole posts table.
 */
export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.addIndex('users', ['email'], { name: 'users_email_key', unique: true });
  await queryInterface.addIndex('posts', ['userId', 'createdAt'], { name: 'posts_user_id_created_at_idx' });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.removeIndex(
    // Stryker disable next-line StringLiteral: Postgres drops an index by its name alone; the table is for other dialects
    'posts',
    'posts_user_id_created_at_idx',
  );
  await queryInterface.removeIndex(
    // Stryker disable next-line StringLiteral: as above
    'users',
    'users_email_key',
  );
}
// #endregion migration
