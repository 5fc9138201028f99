import express, { type Express } from 'express';
import helmet from 'helmet';
import { correlationMiddleware } from '../correlation/correlation.js';
import type { Logger } from '../correlation/logger.js';
import { rememberServerErrors, reportServerErrors } from '../telemetry/error-tracking.js';
import { recordRequests } from '../telemetry/metrics.js';
import { errorHandler } from './errors.js';

// #region service-app
/**
 * How every HTTP service here starts: rate, errors and duration per route and a report of every
 * 5xx (`../telemetry/`), security headers on every answer, then the correlation id.
 */
export function createServiceApp(): Express {
  const app = express();
  app.use(recordRequests());
  app.use(reportServerErrors());
  app.use(helmet()); // also removes x-powered-by
  app.use(correlationMiddleware);
  return app;
}

/** How every one ends: an unknown route is a JSON 404, and every error goes through one handler. */
export function finishServiceApp(app: Express, log: Logger): Express {
  app.use((_req, res) => void res.status(404).json({ error: 'no such route' }));
  app.use(rememberServerErrors());
  app.use(errorHandler(log));
  return app;
}
// #endregion service-app
