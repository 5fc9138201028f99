import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { routeNotFound, toHttpError } from './api/http-errors.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './api/request-id.js';
import { answerClientError, assertReadableBody } from './api/request-problems.js';
import {
  idParamsSchema,
  newProductSchema,
  pageSchema,
  parseInput,
  registerUserSchema,
  userPatchSchema,
} from './api/schemas.js';
import type { Services } from './composition.js';
import { errorFields } from './utils/logger.js';
import { runWithRequestId } from './utils/request-context.js';

// #region fastify-app
/**
 * The same services, schemas and error table behind Fastify: only this file differs from the
 * Express edge, which is the point of keeping HTTP in its own layer.
 */
export function createFastifyApp({
  users,
  products,
  logger,
}: Pick<Services, 'users' | 'products' | 'logger'>): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 100 * 1024,
    genReqId: (req) => requestIdFrom(req.headers[REQUEST_ID_HEADER]),
    clientErrorHandler: answerClientError,
    // A path that is not valid percent-encoding fails before any hook runs: answer it here, same shape.
    frameworkErrors: (error, request, frameworkReply) => {
      const reply = frameworkReply as FastifyReply; // its generic route types know no status codes
      const { status, body } = toHttpError(error, request.id);
      reply.header(REQUEST_ID_HEADER, request.id).code(status).send(body);
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    runWithRequestId(request.id, done); // the rest of the request's lifecycle runs in its context
  });
  app.addHook('onRequest', async (request) => assertReadableBody(request.headers));
  app.addHook('onResponse', async (request, reply) =>
    logger.info('request', {
      requestId: request.id,
      method: request.method,
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    }),
  );
  const id = (params: unknown) => parseInput(idParamsSchema, params, 'params').id;

  app.post('/users', async (request, reply) => {
    const user = await users.register(parseInput(registerUserSchema, request.body, 'body'));
    return reply.code(201).header('location', `/users/${user.id}`).send(user);
  });
  app.get('/users', async (request) => users.list(parseInput(pageSchema, request.query, 'query')));
  app.get('/users/:id', async (request) => users.getById(id(request.params)));
  app.patch('/users/:id', async (request) =>
    users.update(id(request.params), parseInput(userPatchSchema, request.body, 'body')),
  );
  app.delete('/users/:id', async (request, reply) => {
    await users.remove(id(request.params));
    return reply.code(204).send();
  });
  app.post('/products', async (request, reply) => {
    const product = await products.create(parseInput(newProductSchema, request.body, 'body'));
    return reply.code(201).header('location', `/products/${product.id}`).send(product);
  });
  app.get('/products', async (request) => products.list(parseInput(pageSchema, request.query, 'query')));
  app.get('/products/:id', async (request) => products.getById(id(request.params)));

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(routeNotFound(request.method, request.url.split('?')[0] ?? '', request.id)),
  );
  app.setErrorHandler((error, request, reply) => {
    const { status, body, unexpected } = toHttpError(error, request.id);
    if (unexpected)
      logger.error('unhandled error', {
        requestId: request.id,
        method: request.method,
        path: request.url,
        ...errorFields(error),
      });
    return reply.code(status).send(body);
  });
  return app;
}
// #endregion fastify-app
