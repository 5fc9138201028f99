import { closePool, testPool, uniqueName } from '@cookbook/shared/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { unsafeFindUsers } from '../sql-injection/unsafe-lookup.js';
import { useUsersDatabase } from '../test/support.js';
import { assertNotSuperuser, createAppRole, urlForRole } from './schema.js';

const db = useUsersDatabase('least_privilege');
const INSUFFICIENT_PRIVILEGE = '42501';

const tableExists = async (name: string) =>
  (await db.pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name])).rows[0]?.found;

describe('the app role (createAppRole): least privilege', () => {
  it('is neither a superuser nor able to create databases or roles', async () => {
    const { rows } = await db.appPool.query(
      'SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user',
    );
    expect(rows).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);
    await expect(assertNotSuperuser(db.appPool)).resolves.toBeUndefined();
    await expect(assertNotSuperuser(db.pool)).rejects.toThrow(/superuser "postgres".*createAppRole/);
  });

  it('reads, inserts and updates users, which is all the app does', async () => {
    await db.appPool.query("INSERT INTO users (email, password_hash) VALUES ('ada@example.com', 'x')");
    await db.appPool.query("UPDATE users SET age = 36 WHERE email = 'ada@example.com'");
    expect((await db.appPool.query('SELECT email, age FROM users')).rows).toEqual([
      { email: 'ada@example.com', age: 36 },
    ]);
  });

  it.each([
    'DROP TABLE users',
    'TRUNCATE users',
    'DELETE FROM users',
    'ALTER TABLE users ADD COLUMN is_admin boolean',
    'CREATE TABLE loot (stolen text)',
    'CREATE TEMP TABLE loot (stolen text)',
  ])('refuses %s', async (statement) => {
    await expect(db.appPool.query(statement)).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
    expect(await tableExists('users')).toBe(true);
  });

  it('so even the injectable pitfall cannot drop a table, where a superuser connection can', async () => {
    await db.pool.query('CREATE TABLE audit_log (entry text)');
    await expect(unsafeFindUsers(db.appPool, '0; DROP TABLE audit_log')).rejects.toMatchObject({
      code: INSUFFICIENT_PRIVILEGE,
    });
    expect(await tableExists('audit_log')).toBe(true);
    // The same payload over the owner's connection, the way the demo used to run it:
    await unsafeFindUsers(db.pool, '0; DROP TABLE audit_log');
    expect(await tableExists('audit_log')).toBe(false);
  });

  it('given no password, stores none: the role logs in only where pg_hba.conf trusts it', async () => {
    const { rows } = await db.pool.query(
      'SELECT rolcanlogin, rolpassword IS NULL AS none FROM pg_authid WHERE rolname = $1',
      [db.appRole],
    );
    expect(rows).toEqual([{ rolcanlogin: true, none: true }]);
  });

  it('given a password, stores one for the role (for servers that do not trust local connections)', async () => {
    const role = `${db.appRole}_pw`;
    await createAppRole(db.pool, role, "a secret with a ' quote");
    try {
      const { rows } = await db.pool.query(
        'SELECT rolcanlogin, rolpassword IS NOT NULL AS stored FROM pg_authid WHERE rolname = $1',
        [role],
      );
      expect(rows).toEqual([{ rolcanlogin: true, stored: true }]);
    } finally {
      const name = pg.escapeIdentifier(role);
      await db.pool.query(`DROP OWNED BY ${name}; DROP ROLE ${name}`);
    }
  });
});

/** A second role made by `make`, a pool connected as it, and both gone afterwards. */
async function withRole(
  make: (role: string) => Promise<void>,
  use: (pool: pg.Pool, role: string) => Promise<void>,
): Promise<void> {
  const role = uniqueName(`${db.appRole}_x`);
  await make(role);
  const pool = testPool({ max: 1, connectionString: urlForRole(db.url, role) });
  try {
    await use(pool, role);
  } finally {
    await closePool(pool);
    const name = pg.escapeIdentifier(role);
    await db.pool.query(`DROP OWNED BY ${name}; DROP ROLE ${name}`);
  }
}

describe('createAppRole: least privilege whatever PUBLIC was given before', () => {
  it("takes PUBLIC's defaults away (as a database from before Postgres 15 has them): no CREATE, no TEMP, no CONNECT for strangers", async () => {
    const { rows } = await db.pool.query<{ name: string }>('SELECT current_database() AS name');
    const database = pg.escapeIdentifier(rows[0]?.name ?? '');
    // What every database had before Postgres 15, and what pg_upgrade carries over from one.
    await db.pool.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO PUBLIC`);
    await db.pool.query('GRANT CREATE ON SCHEMA public TO PUBLIC');
    await withRole(
      (role) => createAppRole(db.pool, role),
      async (app) => {
        await expect(app.query('CREATE TABLE loot (stolen text)')).rejects.toMatchObject({
          code: INSUFFICIENT_PRIVILEGE,
        });
        await expect(app.query('CREATE TEMP TABLE loot (stolen text)')).rejects.toMatchObject({
          code: INSUFFICIENT_PRIVILEGE,
        });
        expect((await app.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: expect.any(Number) }]);
      },
    );
    // Any other login role on the server may no longer connect to this database at all.
    await withRole(
      (role) => db.pool.query(`CREATE ROLE ${pg.escapeIdentifier(role)} LOGIN`).then(() => {}),
      async (stranger) => {
        await expect(stranger.query('SELECT 1')).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
      },
    );
  });

  it('grants USAGE on the schema itself, so it works where PUBLIC has none (a hardened cluster)', async () => {
    await db.pool.query('REVOKE USAGE ON SCHEMA public FROM PUBLIC');
    try {
      await withRole(
        (role) => createAppRole(db.pool, role),
        async (app) => {
          await app.query("INSERT INTO users (email, password_hash) VALUES ('usage@example.com', 'x')");
          expect((await app.query("SELECT email FROM users WHERE email = 'usage@example.com'")).rows).toEqual([
            { email: 'usage@example.com' },
          ]);
        },
      );
    } finally {
      await db.pool.query('GRANT USAGE ON SCHEMA public TO PUBLIC');
    }
  });
});

describe('urlForRole', () => {
  it("swaps in the role and its password, and never carries the owner's password over", () => {
    const owner = 'postgres://owner:owner-secret@db.internal:5432/app?sslmode=require';
    expect(urlForRole(owner, 'app_role')).toBe('postgres://app_role@db.internal:5432/app?sslmode=require');
    expect(urlForRole(owner, 'app_role', 'its own')).toBe(
      'postgres://app_role:its%20own@db.internal:5432/app?sslmode=require',
    );
  });
});
