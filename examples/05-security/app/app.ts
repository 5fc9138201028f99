import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import type { Pool } from 'pg';
import { corsPolicy } from '../cors/cors.js';
import { answerMalformedRequests } from '../errors/client-errors.js';
import { errorHandler } from '../errors/errors.js';
import { securityHeaders } from '../headers/headers.js';
import { authenticate } from '../jwt/jwt.js';
import type { Mailer } from '../passwords/mailer.js';
import { apiLimiter, type LimiterOptions, trustProxies } from '../rate-limit/rate-limit.js';
import { userLookupRouter } from '../users/user-lookup.js';
import { accountRoutes } from './account-routes.js';

export interface AppOptions {
  pool: Pool;
  /** Where sign-up sends its one message per attempt. */
  mailer: Mailer;
  jwtSecret: string;
  corsOrigins: readonly string[];
  bcryptCost?: number;
  /** Reverse proxies in front of the API. A count, never `true`: see the rate-limit recipe. */
  trustProxyHops?: number;
  limits?: { api?: LimiterOptions; login?: LimiterOptions };
  log?: (error: unknown) => void;
}

// #region create-app
/** The hardened API: every defence of the recipes, in the order a request meets them. */
export function createApp(options: AppOptions): Express {
  const app = express();
  trustProxies(app, options.trustProxyHops ?? 0);
  app.use(securityHeaders());
  app.use(corsPolicy(options.corsOrigins));
  // Limit before parsing: a client over budget does not get its body read.
  app.use('/api', apiLimiter(options.limits?.api));
  app.use(express.json({ limit: '10kb' }));
  app.use(
    '/api',
    accountRoutes({
      pool: options.pool,
      mailer: options.mailer,
      jwtSecret: options.jwtSecret,
      bcryptCost: options.bcryptCost,
      loginLimit: options.limits?.login,
    }),
  );
  app.use('/api', authenticate(options.jwtSecret), userLookupRouter(options.pool));
  app.use((_req, res) => void res.status(404).json({ error: 'not found' }));
  app.use(errorHandler(options.log));
  return app;
}
// #endregion create-app

/** The API on a server that answers even the requests Node's parser refuses with JSON. */
export function createApiServer(options: AppOptions): Server {
  return answerMalformedRequests(createServer(createApp(options)));
}
