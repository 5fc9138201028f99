import type { Pool } from 'pg';
import { dependency } from '../errors/dependency.js';
import { ConflictError } from '../errors/errors.js';
import type { Role } from '../schemas/schemas.js';

/** What a client may see about a user: never the password hash. */
export interface PublicUser {
  id: number;
  email: string;
  age: number | null;
}

export interface Credentials {
  id: number;
  email: string;
  role: Role;
  passwordHash: string;
}

// #region public-columns
// An explicit column list, so a new sensitive column never leaks through `SELECT *`.
const PUBLIC_COLUMNS = 'id, email, age';
// #endregion public-columns

const UNIQUE_VIOLATION = '23505';

// Every query goes through dependency(): a Postgres that does not answer in time is a 503.

export async function insertUser(
  pool: Pool,
  user: { email: string; passwordHash: string; age?: number | undefined },
): Promise<PublicUser> {
  try {
    const { rows } = await dependency('postgres', () =>
      pool.query<PublicUser>(
        `INSERT INTO users (email, password_hash, age) VALUES ($1, $2, $3) RETURNING ${PUBLIC_COLUMNS}`,
        [user.email, user.passwordHash, user.age ?? null],
      ),
    );
    return rows[0] as PublicUser;
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new ConflictError('email is already registered', 'email');
    }
    throw error;
  }
}

/** Inserts the user unless the email is taken; true when a row was created. */
export async function insertUserIfNew(
  pool: Pool,
  user: { email: string; passwordHash: string; age?: number | undefined },
): Promise<boolean> {
  const { rowCount } = await dependency('postgres', () =>
    pool.query('INSERT INTO users (email, password_hash, age) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING', [
      user.email,
      user.passwordHash,
      user.age ?? null,
    ]),
  );
  return rowCount === 1;
}

export async function findUserById(pool: Pool, id: number): Promise<PublicUser | undefined> {
  const { rows } = await dependency('postgres', () =>
    pool.query<PublicUser>(`SELECT ${PUBLIC_COLUMNS} FROM users WHERE id = $1`, [id]),
  );
  return rows[0];
}

export async function findCredentials(pool: Pool, email: string): Promise<Credentials | undefined> {
  const { rows } = await dependency('postgres', () =>
    pool.query<Credentials>('SELECT id, email, role, password_hash AS "passwordHash" FROM users WHERE email = $1', [
      email,
    ]),
  );
  return rows[0];
}
