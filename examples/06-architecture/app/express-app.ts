import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { createTokenVerifier } from './api/access-token.js';
import { createProductController } from './api/controllers/product-controller.js';
import { createUserController } from './api/controllers/user-controller.js';
import { assignRequestId } from './api/middleware/assign-request-id.js';
import { authenticate } from './api/middleware/auth.js';
import { errorHandler, notFoundHandler } from './api/middleware/error-handler.js';
import { logRequests } from './api/middleware/log-requests.js';
import { readableBody } from './api/middleware/readable-body.js';
import { answerClientError } from './api/request-problems.js';
import { productRoutes } from './api/routes/products.js';
import { userRoutes } from './api/routes/users.js';
import { securityHeaders } from './api/security-headers.js';
import { createServices, type Edge, type ServiceDeps } from './composition.js';

// #region create-app
/** The Express edge over already-built services: no listen(), so tests drive it in-process. */
export function createHttpApp(edge: Edge): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: it hashes every body, and a JSON API's clients rarely send If-None-Match to use it
  // (Fastify sends none either, so both edges answer alike).
  app.set('etag', false);
  app.use(securityHeaders()); // first, so every answer carries them, errors included
  app.use(assignRequestId());
  app.use(logRequests(edge.logger));
  app.use(authenticate(createTokenVerifier(edge.tokenSecret))); // before any body is read
  app.use(readableBody());
  app.use(express.json({ limit: '100kb' }));
  app.use('/users', userRoutes(createUserController(edge.users)));
  app.use('/products', productRoutes(createProductController(edge.products)));
  app.use(notFoundHandler());
  app.use(errorHandler(edge.logger));
  return app;
}
// #endregion create-app

/** `createApp({ db, tokenSecret })`: the whole stack on one database, as route tests build it. */
export function createApp({ tokenSecret, ...deps }: ServiceDeps & { tokenSecret: string }): Express {
  return createHttpApp({ ...createServices(deps), tokenSecret });
}

/** The Node server for the app: a request Node's own parser refuses still gets a JSON error. */
export function createHttpServer(edge: Edge): Server {
  return createServer(createHttpApp(edge)).on('clientError', answerClientError);
}
