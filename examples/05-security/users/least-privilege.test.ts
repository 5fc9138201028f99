import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { unsafeFindUsers } from '../sql-injection/unsafe-lookup.js';
import { useUsersDatabase } from '../test/support.js';
import { assertNotSuperuser, createAppRole } from './schema.js';

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
