import Fastify, { type FastifyInstance } from 'fastify';
import { requireAdmin, requireSelfOrAdmin } from './api/access-policy.js';
import { createTokenVerifier } from './api/access-token.js';
import { addEdgeHooks, edgeOptions } from './api/fastify-hooks.js';
import {
  idParamsSchema,
  newProductSchema,
  pageSchema,
  parseInput,
  registerUserSchema,
  userPatchSchema,
} from './api/schemas.js';
import type { Edge } from './composition.js';

/**
 * The product as JSON Schema, for Fastify's serializer only (input is Joi's job): with it, Fastify
 * compiles a serializer once at startup instead of calling JSON.stringify, and a field the schema
 * does not name never leaves. The route table tests hold it to the same bodies Express sends.
 */
const productJson = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    priceCents: { type: 'integer' },
    stock: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

// #region fastify-app
/**
 * The same services, schemas, access policy and error table behind Fastify: only this file and
 * its hooks differ from the Express edge, which is the point of keeping HTTP in its own layer.
 */
export function createFastifyApp({ users, products, logger, tokenSecret }: Edge): FastifyInstance {
  const app = Fastify(edgeOptions());
  addEdgeHooks(app, { logger, verify: createTokenVerifier(tokenSecret) });
  const id = (params: unknown) => parseInput(idParamsSchema, params, 'params').id;

  app.post('/users', async (request, reply) => {
    requireAdmin(request.caller, 'create users');
    const user = await users.register(parseInput(registerUserSchema, request.body, 'body'));
    return reply.code(201).header('location', `/users/${user.id}`).send(user);
  });
  app.get('/users', async (request) => users.list(parseInput(pageSchema, request.query, 'query')));
  app.get('/users/:id', async (request) => users.getById(id(request.params)));
  app.patch('/users/:id', async (request) => {
    const userId = id(request.params);
    requireSelfOrAdmin(request.caller, userId, 'rename other users');
    return users.update(userId, parseInput(userPatchSchema, request.body, 'body'));
  });
  app.delete('/users/:id', async (request, reply) => {
    requireAdmin(request.caller, 'delete users');
    await users.remove(id(request.params));
    return reply.code(204).send();
  });
  app.post('/products', { schema: { response: { 201: productJson } } }, async (request, reply) => {
    requireAdmin(request.caller, 'create products');
    const product = await products.create(parseInput(newProductSchema, request.body, 'body'));
    return reply.code(201).header('location', `/products/${product.id}`).send(product);
  });
  app.get('/products', async (request) => products.list(parseInput(pageSchema, request.query, 'query')));
  app.get('/products/:id', { schema: { response: { 200: productJson } } }, async (request) =>
    products.getById(id(request.params)),
  );
  return app;
}
// #endregion fastify-app
