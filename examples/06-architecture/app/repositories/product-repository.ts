import { Op } from 'sequelize';
import type { ProductModel, ProductRow } from '../models/product.js';
import type { NewProduct, Product, ProductRepository } from '../services/product-service.js';
import { type Page, type PageRequest, toPage } from '../utils/pagination.js';

function toProduct(row: ProductRow): Product {
  return { id: row.id, name: row.name, priceCents: row.priceCents, stock: row.stock, createdAt: row.createdAt };
}

export class SequelizeProductRepository implements ProductRepository {
  constructor(private readonly Product: ProductModel) {}

  async create(product: NewProduct): Promise<Product> {
    return toProduct(await this.Product.create(product));
  }

  async findById(id: number): Promise<Product | undefined> {
    const row = await this.Product.findByPk(id);
    return row ? toProduct(row) : undefined;
  }

  async list({ limit, after = 0 }: PageRequest): Promise<Page<Product>> {
    const rows = await this.Product.findAll({
      where: { id: { [Op.gt]: after } },
      order: [['id', 'ASC']],
      limit: limit + 1,
    });
    return toPage(rows.map(toProduct), limit);
  }
}
