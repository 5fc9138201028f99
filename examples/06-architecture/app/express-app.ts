import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { createProductController } from './api/controllers/product-controller.js';
import { createUserController } from './api/controllers/user-controller.js';
import { assignRequestId } from './api/middleware/assign-request-id.js';
import { errorHandler, notFoundHandler } from './api/middleware/error-handler.js';
import { logRequests } from './api/middleware/log-requests.js';
import { readableBody } from './api/middleware/readable-body.js';
import { answerClientError } from './api/request-problems.js';
import { productRoutes } from './api/routes/products.js';
import { userRoutes } from './api/routes/users.js';
import { createServices, type ServiceDeps, type Services } from './composition.js';

// #region create-app
/** The Express edge over already-built services: no listen(), so tests drive it in-process. */
export function createHttpApp(services: Pick<Services, 'users' | 'products' | 'logger'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(assignRequestId());
  app.use(logRequests(services.logger));
  app.use(readableBody());
  app.use(express.json({ limit: '100kb' }));
  app.use('/users', userRoutes(createUserController(services.users)));
  app.use('/products', productRoutes(createProductController(services.products)));
  app.use(notFoundHandler());
  app.use(errorHandler(services.logger));
  return app;
}

/** `createApp({ db })`: the whole stack on one database, the way `main.ts` and route tests build it. */
export function createApp(deps: ServiceDeps): Express {
  return createHttpApp(createServices(deps));
}

/** The Node server for the app: a request Node's own parser refuses still gets a JSON error. */
export function createHttpServer(services: Pick<Services, 'users' | 'products' | 'logger'>): Server {
  return createServer(createHttpApp(services)).on('clientError', answerClientError);
}
// #endregion create-app
