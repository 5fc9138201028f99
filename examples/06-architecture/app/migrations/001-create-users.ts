import type { Migration } from './migrate.js';

export const createUsers: Migration = {
  name: '001-create-users',
  // The unique index is what makes "one account per email" true under concurrency; a check in
  // application code cannot (see services/naive-user-service.ts).
  up: `
    CREATE TABLE users (
      id            serial PRIMARY KEY,
      email         varchar(254) NOT NULL,
      name          varchar(100) NOT NULL,
      password_hash varchar(255) NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (email);
  `,
};
