import { Router } from 'express';
import type { ProductController } from '../controllers/product-controller.js';
import { adminOnly } from '../middleware/auth.js';
import { validate } from '../middleware/validate.js';
import { idParamsSchema, newProductSchema, pageSchema } from '../schemas.js';

export function productRoutes(controller: ProductController): Router {
  const router = Router();
  router.post('/', adminOnly('create products'), validate(newProductSchema, 'body'), controller.create);
  router.get('/', validate(pageSchema, 'query'), controller.list);
  router.get('/:id', validate(idParamsSchema, 'params'), controller.get);
  return router;
}
