import pg, { type Pool } from 'pg';

// #region users-table
/** The table, created by its owner (a migration), never by the role the app runs as. */
export async function createUsersTable(owner: Pool): Promise<void> {
  await owner.query(`
    CREATE TABLE IF NOT EXISTS users (
      -- An identity column: inserting needs no grant on a sequence, unlike serial.
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email         text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      age           integer,
      role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
      created_at    timestamptz NOT NULL DEFAULT now()
    )`);
}
// #endregion users-table

/**
 * The login role the app runs as: it may connect to this database and read and write the
 * users table, and nothing else. Not a superuser, not the table's owner, no CREATE: so no
 * DROP, ALTER, TRUNCATE or DELETE, even if an injection gets a statement through.
 */
// #region app-role
export async function createAppRole(owner: Pool, role: string, password?: string): Promise<void> {
  const name = pg.escapeIdentifier(role);
  const login = password === undefined ? 'LOGIN' : `LOGIN PASSWORD ${pg.escapeLiteral(password)}`;
  const { rows } = await owner.query<{ db: string }>('SELECT current_database() AS db');
  // Stryker disable next-line StringLiteral,OptionalChaining: current_database() always answers one row
  const database = pg.escapeIdentifier(rows[0]?.db ?? '');
  await owner.query(`CREATE ROLE ${name} ${login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT`);
  // PUBLIC may connect and make temporary tables by default; only named roles may here.
  await owner.query(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
  await owner.query(`GRANT CONNECT ON DATABASE ${database} TO ${name}`);
  await owner.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  await owner.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
  await owner.query(`GRANT SELECT, INSERT, UPDATE ON users TO ${name}`);
}
// #endregion app-role

/** `url` with the app role as its user: what the app's pool connects with. */
export function urlForRole(url: string, role: string, password = ''): string {
  const withRole = new URL(url);
  withRole.username = role;
  withRole.password = password;
  return withRole.toString();
}

/** Refuses to run as a superuser: least privilege is checked at startup, not hoped for. */
export async function assertNotSuperuser(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string; superuser: boolean }>(
    'SELECT current_user AS name, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user',
  );
  const me = rows[0];
  // Stryker disable next-line OptionalChaining: current_user is always in pg_roles, so there is always one row
  if (me?.superuser) {
    throw new Error(
      `connects as the superuser "${me.name}"; connect as a role like createAppRole makes (users/schema.ts)`,
    );
  }
}
