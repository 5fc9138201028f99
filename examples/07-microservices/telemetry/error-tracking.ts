import * as Sentry from '@sentry/node';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { routePattern } from './metrics.js';
import { scrubSecrets } from './scrub.js';

export interface ErrorTrackingOptions {
  /** Where events go; none means error tracking is off and nothing is sent. */
  dsn: string | undefined;
  release: string | undefined;
  environment: string;
  /** Tagged on every event as `service`, to tell the four services' errors apart. */
  service: string;
}

/**
 * `SENTRY_DSN`, `SENTRY_RELEASE` (else the package version), `SENTRY_ENVIRONMENT` (else
 * `NODE_ENV`), and the service name tracing uses, `OTEL_SERVICE_NAME`.
 */
export function errorTrackingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ErrorTrackingOptions {
  return {
    dsn: env.SENTRY_DSN || undefined,
    release: env.SENTRY_RELEASE || env.npm_package_version,
    environment: env.SENTRY_ENVIRONMENT || env.NODE_ENV || 'development',
    service: env.OTEL_SERVICE_NAME || 'unknown_service:node',
  };
}

// #region start-error-tracking
/**
 * Sentry for errors only, beside the OpenTelemetry SDK started just before it: it registers no
 * tracer provider of its own (`enableOpenTelemetrySetup: false`), and `openTelemetryIntegration()`
 * stamps each event with the active span's trace id. Without a DSN this does nothing.
 */
export function startErrorTracking({
  dsn,
  release,
  environment,
  service,
}: ErrorTrackingOptions): Sentry.NodeClient | undefined {
  if (!dsn) return undefined;
  return Sentry.init({
    dsn,
    release,
    environment,
    initialScope: { tags: { service } },
    enableOpenTelemetrySetup: false,
    // Sentry 11 collects headers, cookies, bodies and local variables by default: keep the method,
    // URL and headers (its own filter drops the obvious tokens; `scrubSecrets` the rest).
    dataCollection: { cookies: false, httpBodies: [], userInfo: false, stackFrameVariables: false },
    // `reportServerErrors` decides what a 5xx is; Sentry's Express integration would report it first.
    enableRuntimeChannelInjection: false,
    integrations: (defaults) => [
      ...defaults.filter((integration) => integration.name !== 'Express'),
      Sentry.openTelemetryIntegration(),
      // Sentry's default, 'warn', keeps a process running after an unhandled rejection, which
      // Node itself ends: report it, flush, and exit as Node would.
      Sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
    ],
    beforeSend: (event) => scrubSecrets(event),
    beforeBreadcrumb: (breadcrumb) => scrubSecrets(breadcrumb),
  });
}
// #endregion start-error-tracking

/** Sends what is queued (waiting up to `timeoutMs`) and stops; the last step of graceful shutdown. */
export async function closeErrorTracking(timeoutMs = 2_000): Promise<void> {
  if (Sentry.isInitialized()) await Sentry.close(timeoutMs);
}

const thrown = new WeakMap<Response, unknown>();

// #region report-server-errors
/**
 * Mount first: every response that ends 5xx is reported once, with the error that caused it when
 * one was thrown (its stack), else as a message naming the route. A 4xx is the caller's and is not.
 */
export function reportServerErrors(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('finish', () => {
      if (res.statusCode < 500) return;
      const error = thrown.get(res);
      if (error !== undefined) Sentry.captureException(error);
      else Sentry.captureMessage(`${req.method} ${routePattern(req)} answered ${res.statusCode}`, 'error');
    });
    next();
  };
}

/** Mount just before the error handler: remembers the error for `reportServerErrors`, changes nothing. */
export function rememberServerErrors(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    thrown.set(res, error);
    next(error);
  };
}
// #endregion report-server-errors
