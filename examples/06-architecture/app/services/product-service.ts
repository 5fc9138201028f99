import { NotFoundError } from '../errors.js';
import type { Page, PageRequest } from '../utils/pagination.js';

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
  createdAt: Date;
}

export interface NewProduct {
  name: string;
  priceCents: number;
  stock?: number;
}

export interface ProductRepository {
  create(product: NewProduct): Promise<Product>;
  findById(id: number): Promise<Product | undefined>;
  list(page: PageRequest): Promise<Page<Product>>;
}

export class ProductService {
  constructor(private readonly products: ProductRepository) {}

  create(input: NewProduct): Promise<Product> {
    return this.products.create(input);
  }

  async getById(id: number): Promise<Product> {
    const product = await this.products.findById(id);
    if (!product) throw new NotFoundError('Product', id);
    return product;
  }

  list(page: PageRequest): Promise<Page<Product>> {
    return this.products.list(page);
  }
}
