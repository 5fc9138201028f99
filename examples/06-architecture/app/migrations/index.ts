import { createUsers } from './001-create-users.js';
import { createProducts } from './002-create-products.js';
import { addProductStock } from './003-add-product-stock.js';
import type { Migration } from './migrate.js';

/** In the order they run. Append only: an applied migration is history and never changes. */
export const migrations: readonly Migration[] = [createUsers, createProducts, addProductStock];
