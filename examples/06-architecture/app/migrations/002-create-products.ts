import type { Migration } from './migrate.js';

export const createProducts: Migration = {
  name: '002-create-products',
  up: `
    CREATE TABLE products (
      id          serial PRIMARY KEY,
      name        varchar(200) NOT NULL,
      price_cents integer NOT NULL CHECK (price_cents >= 0),
      created_at  timestamptz NOT NULL DEFAULT now()
    );
  `,
};
