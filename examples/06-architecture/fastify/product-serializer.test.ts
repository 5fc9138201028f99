import { afterAll, describe, expect, it } from 'vitest';
import { createFastifyApp } from '../app/fastify-app.js';
import { type Product, ProductService } from '../app/services/product-service.js';
import type { UserService } from '../app/services/user-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';
import { ADMIN, TOKEN_SECRET } from '../test/support.js';

// A repository that hands back more than a Product, as an ORM row with an extra column would.
const row = { id: 1, name: 'Kettle', priceCents: 2599, stock: 3, createdAt: new Date(0), supplierCost: 900 };
const products = new ProductService({
  create: async () => row as Product,
  findById: async () => row as Product,
  list: async () => ({ items: [], nextCursor: null }),
});
const app = createFastifyApp({
  users: {} as UserService,
  products,
  logger: createMemoryLogger(),
  tokenSecret: TOKEN_SECRET,
});
afterAll(() => app.close());

describe('the product response schema (Fastify compiles its serializer once)', () => {
  it.each([
    ['GET /products/1', { method: 'GET', url: '/products/1' }, 200],
    ['POST /products', { method: 'POST', url: '/products', payload: { name: 'Kettle', priceCents: 2599 } }, 201],
  ] as const)('%s sends the fields the schema names, and nothing else', async (_name, call, status) => {
    const res = await app.inject({ ...call, headers: { authorization: ADMIN.authorization } });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({
      id: 1,
      name: 'Kettle',
      priceCents: 2599,
      stock: 3,
      createdAt: '1970-01-01T00:00:00.000Z',
    });
  });
});
