import type { Pool } from 'pg';
import type { User } from '../users/user.js';

/** The table the cache reads through; idempotent so demos, tests and benches can call it. */
export async function createUsersTable(pool: Pool, count: number): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS users (
    id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE)`);
  await pool.query(
    `INSERT INTO users (id, name, email)
     SELECT i, 'user ' || i, 'user' || i || '@example.com' FROM generate_series(1, $1::int) AS i
     ON CONFLICT (id) DO NOTHING`,
    [count],
  );
}

export async function findUser(pool: Pool, id: number): Promise<User | null> {
  const { rows } = await pool.query<User>('SELECT id, name, email FROM users WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function renameUserRow(pool: Pool, id: number, name: string): Promise<void> {
  await pool.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
}
