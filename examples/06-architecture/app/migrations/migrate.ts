import { QueryTypes, type Sequelize } from 'sequelize';

export interface Migration {
  /** Unique and sortable: `NNN-what-it-does`. */
  name: string;
  /** SQL, run inside the migration transaction. */
  up: string;
}

export interface MigrateOptions {
  /** Stop after this migration (to rebuild an older schema, as the tests do). */
  to?: string;
}

// #region migrate
/**
 * Applies the pending migrations in order, all in one transaction (Postgres DDL is
 * transactional: a failing step leaves nothing half-done). An advisory lock makes a second
 * process that starts at the same time wait, then find nothing left to do.
 */
export async function migrate(
  sequelize: Sequelize,
  migrations: readonly Migration[],
  options: MigrateOptions = {},
): Promise<string[]> {
  const wanted = upTo(migrations, options.to);
  return sequelize.transaction(async (transaction) => {
    await sequelize.query(`SELECT pg_advisory_xact_lock(hashtext('schema_migrations'))`, { transaction });
    await sequelize.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      { transaction },
    );
    const rows = await sequelize.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', {
      type: QueryTypes.SELECT,
      transaction,
    });
    const applied = rows.map((row) => row.name);
    assertKnownHistory(applied, migrations);
    const pending = wanted.filter((migration) => !applied.includes(migration.name));
    for (const migration of pending) {
      await sequelize.query(migration.up, { transaction });
      await sequelize.query('INSERT INTO schema_migrations (name) VALUES ($1)', {
        bind: [migration.name],
        transaction,
      });
    }
    return pending.map((migration) => migration.name);
  });
}
// #endregion migrate

function upTo(migrations: readonly Migration[], to: string | undefined): readonly Migration[] {
  if (to === undefined) return migrations;
  const index = migrations.findIndex((migration) => migration.name === to);
  if (index < 0) throw new Error(`Unknown migration "${to}"`);
  return migrations.slice(0, index + 1);
}

/** A database migrated by a newer release than this code is a deploy mistake: refuse, do not guess. */
function assertKnownHistory(applied: readonly string[], migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((migration) => migration.name));
  const unknown = applied.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`Database has migrations this code does not know: ${unknown.join(', ')}`);
}
