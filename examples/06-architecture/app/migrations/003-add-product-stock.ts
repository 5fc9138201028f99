import type { Migration } from './migrate.js';

/** A later release adds a column: the case `sequelize.sync()` gets wrong on an existing table. */
export const addProductStock: Migration = {
  name: '003-add-product-stock',
  up: `ALTER TABLE products ADD COLUMN stock integer NOT NULL DEFAULT 0 CHECK (stock >= 0);`,
};
