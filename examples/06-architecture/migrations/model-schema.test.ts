import { useTestDatabase } from '@cookbook/shared/testing';
import { QueryTypes, type Sequelize } from 'sequelize';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../app/config/database.js';
import { migrations } from '../app/migrations/index.js';
import { migrate } from '../app/migrations/migrate.js';
import { defineModels } from '../app/models/index.js';
import { naiveSyncSchema } from './naive-sync.js';

const migrated = useTestDatabase('arch-schema-migrated');
const synced = useTestDatabase('arch-schema-synced');
const opened: Sequelize[] = [];

afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

function connect(url: string): Sequelize {
  const db = createDatabase(url, { poolMax: 1 });
  opened.push(db);
  return db;
}

/** Every column (nullability, type, length) and every unique index besides the primary keys. */
async function describeSchema(db: Sequelize): Promise<unknown[]> {
  const columns = await db.query(
    `SELECT table_name, column_name, is_nullable, data_type, character_maximum_length
       FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name IN ('users', 'products')
      ORDER BY table_name, column_name`,
    { type: QueryTypes.SELECT },
  );
  const unique = await db.query(
    `SELECT tablename, indexname FROM pg_indexes
      WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE '%_pkey'
      ORDER BY tablename, indexname`,
    { type: QueryTypes.SELECT },
  );
  return [...columns, ...unique];
}

describe('the models and the migrations describe one schema', () => {
  // The models are what Sequelize validates against and what sync() would build: if they drift
  // from the migrations, a column the database requires is one the ORM lets through as null.
  it('sync() from the models builds the same columns, nullability and unique index as the migrations', async () => {
    const fromMigrations = connect(migrated.url);
    await migrate(fromMigrations, migrations);
    const fromModels = connect(synced.url);
    defineModels(fromModels);
    await naiveSyncSchema(fromModels);
    const expected = await describeSchema(fromMigrations);
    expect(expected).toContainEqual(expect.objectContaining({ column_name: 'password_hash', is_nullable: 'NO' }));
    expect(await describeSchema(fromModels)).toEqual(expected);
  });
});
