import type { Request, Response } from 'express';
import type { ProductService } from '../../services/product-service.js';

export function createProductController(products: ProductService) {
  return {
    create: async (_req: Request, res: Response) => {
      const product = await products.create(res.locals.body);
      res.status(201).location(`/products/${product.id}`).json(product);
    },
    get: async (_req: Request, res: Response) => {
      res.json(await products.getById(res.locals.params.id));
    },
    list: async (_req: Request, res: Response) => {
      res.json(await products.list(res.locals.query));
    },
  };
}

export type ProductController = ReturnType<typeof createProductController>;
