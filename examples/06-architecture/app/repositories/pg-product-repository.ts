import type pg from 'pg';
import type { NewProduct, Product, ProductRepository } from '../services/product-service.js';
import { type Page, type PageRequest, toPage } from '../utils/pagination.js';

// #region pg-product-repository
/**
 * The same port on plain `pg` and SQL: swap it in at the composition root and neither the
 * service nor the controllers change. (The bench measures what the ORM costs per request.)
 */
const COLUMNS = 'id, name, price_cents AS "priceCents", stock, created_at AS "createdAt"';

export class PgProductRepository implements ProductRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create({ name, priceCents, stock = 0 }: NewProduct): Promise<Product> {
    const { rows } = await this.pool.query<Product>(
      `INSERT INTO products (name, price_cents, stock) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [name, priceCents, stock],
    );
    return rows[0] as Product;
  }

  async findById(id: number): Promise<Product | undefined> {
    const { rows } = await this.pool.query<Product>(`SELECT ${COLUMNS} FROM products WHERE id = $1`, [id]);
    return rows[0];
  }

  async list({ limit, after = 0 }: PageRequest): Promise<Page<Product>> {
    const { rows } = await this.pool.query<Product>(
      `SELECT ${COLUMNS} FROM products WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, limit + 1],
    );
    return toPage(rows, limit);
  }
}
// #endregion pg-product-repository
