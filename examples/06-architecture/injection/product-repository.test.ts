import { useTestDatabase } from '@cookbook/shared/testing';
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../app/errors.js';
import { defineModels } from '../app/models/index.js';
import { PgProductRepository } from '../app/repositories/pg-product-repository.js';
import { SequelizeProductRepository } from '../app/repositories/product-repository.js';
import { type ProductRepository, ProductService } from '../app/services/product-service.js';
import { openMigratedDatabase } from '../test/support.js';

const database = useTestDatabase('arch-products');
let db: Sequelize | undefined;
let pool: pg.Pool | undefined;

beforeAll(async () => {
  db = await openMigratedDatabase(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.close();
});

/** One contract, two implementations: the service cannot tell which repository it was given. */
const implementations: [string, () => ProductRepository][] = [
  ['Sequelize', () => new SequelizeProductRepository(defineModels(db as Sequelize).Product)],
  ['plain pg', () => new PgProductRepository(pool as pg.Pool)],
];

describe.each(implementations)('ProductService on the %s repository', (_name, repository) => {
  it('creates, finds and pages products with the same shapes', async () => {
    const service = new ProductService(repository());
    const created = await service.create({ name: 'Kettle', priceCents: 2599 });
    expect(created).toEqual({
      id: expect.any(Number),
      name: 'Kettle',
      priceCents: 2599,
      stock: 0,
      createdAt: expect.any(Date),
    });
    expect(await service.getById(created.id)).toEqual(created);
    await expect(service.getById(2_147_483_000)).rejects.toBeInstanceOf(NotFoundError);
    const second = await service.create({ name: 'Mug', priceCents: 899, stock: 5 });
    const page = await service.list({ limit: 1, after: created.id - 1 });
    expect(page).toEqual({ items: [created], nextCursor: created.id });
    expect((await service.list({ limit: 1, after: created.id })).items).toEqual([second]);
  });

  it('pages in id order after a row was rewritten: a table does not keep its rows in id order', async () => {
    const service = new ProductService(repository());
    const made = [];
    for (const name of ['A', 'B', 'C']) made.push(await service.create({ name, priceCents: 100 }));
    // An UPDATE writes a new version of the row after the others: a scan without ORDER BY now finds A last.
    await pool?.query('UPDATE products SET stock = stock + 1 WHERE id = $1', [made[0]?.id]);
    const page = await service.list({ limit: 3, after: (made[0]?.id ?? 0) - 1 });
    expect(page.items.map((product) => product.name)).toEqual(['A', 'B', 'C']);
  });
});
