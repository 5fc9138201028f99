import { useTestDatabase } from '@cookbook/shared/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../app/config/database.js';
import { migrations } from '../app/migrations/index.js';
import { type Migration, migrate } from '../app/migrations/migrate.js';
import { defineModels } from '../app/models/index.js';
import { naiveSyncSchema } from './naive-sync.js';

const ALL = migrations.map((m) => m.name);
const database = useTestDatabase('arch-migrate');
const opened: Sequelize[] = [];

/**
 * Each test starts from an empty schema: migrations are about what a database already has.
 * (Recreating the public schema is much quicker than a new database per test.)
 */
async function freshDatabase(): Promise<string> {
  const admin = createDatabase(database.url, { poolMax: 1 });
  try {
    await admin.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await admin.close();
  }
  return database.url;
}

function connect(url: string): Sequelize {
  const db = createDatabase(url, { poolMax: 2 });
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function applied(db: Sequelize): Promise<string[]> {
  const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name', {
    type: QueryTypes.SELECT,
  });
  return rows.map((row) => row.name);
}

describe('migrate', () => {
  it('applies every migration in order once; a second run has nothing to do', async () => {
    const db = connect(await freshDatabase());
    expect(await migrate(db, migrations)).toEqual(ALL);
    expect(await migrate(db, migrations)).toEqual([]);
    expect(await applied(db)).toEqual(ALL);
  });

  it('two processes migrating at once: the advisory lock lets one apply, the other finds nothing', async () => {
    const url = await freshDatabase();
    const results = await Promise.all([migrate(connect(url), migrations), migrate(connect(url), migrations)]);
    expect(results.map((names) => names.length).sort()).toEqual([0, ALL.length]);
  });

  it('a failing migration leaves nothing behind: no half-made table, no history row', async () => {
    const db = connect(await freshDatabase());
    const broken: Migration = {
      name: '004-broken',
      up: 'CREATE TABLE half_made (id int); SELECT no_such_column FROM half_made;',
    };
    await expect(migrate(db, [...migrations, broken])).rejects.toThrow(/no_such_column/);
    const [table] = await db.query<{ name: string | null }>("SELECT to_regclass('half_made')::text AS name", {
      type: QueryTypes.SELECT,
    });
    expect(table?.name).toBeNull();
    // Even the history table, created by the same transaction, went with it.
    const [history] = await db.query<{ name: string | null }>("SELECT to_regclass('schema_migrations')::text AS name", {
      type: QueryTypes.SELECT,
    });
    expect(history?.name).toBeNull();
    // All-or-nothing per run: the three good ones rolled back with it, and apply cleanly after the fix.
    expect(await migrate(db, migrations)).toEqual(ALL);
  });

  it('refuses a database that a newer release migrated', async () => {
    const db = connect(await freshDatabase());
    await migrate(db, migrations);
    await db.query("INSERT INTO schema_migrations (name) VALUES ('098-from-the-future'), ('099-also')");
    await expect(migrate(db, migrations)).rejects.toThrow(/does not know: 098-from-the-future, 099-also$/);
  });

  it('refuses to stop at a migration it does not have, and runs none', async () => {
    const db = connect(await freshDatabase());
    await expect(migrate(db, migrations, { to: '009-typo' })).rejects.toThrow('Unknown migration "009-typo"');
    await expect(migrate(db, migrations, { to: '001-create-users' })).resolves.toEqual(['001-create-users']);
  });
});

describe('sync() instead of migrations', () => {
  it('looks like it works: on an empty database it creates every table the models name', async () => {
    const db = connect(await freshDatabase());
    const { Product } = defineModels(db);
    await expect(Product.findAll()).rejects.toThrow(/relation "products" does not exist/);
    await naiveSyncSchema(db);
    await expect(Product.findAll()).resolves.toEqual([]);
  });

  // #region sync-pitfall-test
  it('leaves a table from an older release without the new column; the migration adds it', async () => {
    const db = connect(await freshDatabase());
    await migrate(db, migrations, { to: '002-create-products' }); // the schema as the previous release left it
    const { Product } = defineModels(db);

    await naiveSyncSchema(db); // "creates the schema" at startup: products exists, so it is left alone
    await expect(Product.findAll()).rejects.toThrow(/column "stock" does not exist/);

    expect(await migrate(db, migrations)).toEqual(['003-add-product-stock']);
    await expect(Product.findAll()).resolves.toEqual([]);
  });
  // #endregion sync-pitfall-test
});
