import * as Sentry from '@sentry/node';
import { scrubSecrets } from './scrub.js';
import { started } from './started.js';

export interface ErrorTrackingOptions {
  /** Where events go; none means error tracking is off and nothing is sent. */
  dsn: string | undefined;
  release: string | undefined;
  environment: string;
}

/** `SENTRY_DSN`, `SENTRY_RELEASE` (else the package version), `SENTRY_ENVIRONMENT` (else `NODE_ENV`). */
export function errorTrackingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ErrorTrackingOptions {
  return {
    dsn: env.SENTRY_DSN || undefined,
    release: env.SENTRY_RELEASE || env.npm_package_version,
    environment: env.SENTRY_ENVIRONMENT || env.NODE_ENV || 'production',
  };
}

// #region start-error-tracking
/**
 * Sentry for errors only, beside the service's own OpenTelemetry: no OpenTelemetry setup of its
 * own and no `tracesSampleRate`, so it adds no tracer and no spans; `openTelemetryIntegration()`
 * stamps each event with the active span's trace id. Start tracing first. No DSN, no Sentry.
 */
export function startErrorTracking({ dsn, release, environment }: ErrorTrackingOptions): Sentry.NodeClient | undefined {
  if (!dsn) return undefined;
  const client = Sentry.init({
    dsn,
    release,
    environment,
    enableOpenTelemetrySetup: false,
    // Sentry 11 collects cookies, bodies and local variables by default: keep method, URL, headers.
    dataCollection: { cookies: false, httpBodies: [], userInfo: false, stackFrameVariables: false },
    // reportServerErrors() reports each 5xx once; Sentry's Express integration would report it first.
    enableRuntimeChannelInjection: false,
    integrations: (defaults) => [
      ...defaults.filter((integration) => integration.name !== 'Express'),
      Sentry.openTelemetryIntegration(),
      // Sentry's default keeps a process running after an unhandled rejection; Node would end it.
      Sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
    ],
    beforeSend: (event) => scrubSecrets(event),
    beforeBreadcrumb: (breadcrumb) => scrubSecrets(breadcrumb),
  });
  started({ name: 'error-tracking', close: () => closeErrorTracking() }, Sentry);
  return client;
}
// #endregion start-error-tracking

/** Sends what is queued (waiting up to `timeoutMs`) and stops; a closer of graceful shutdown. */
export async function closeErrorTracking(timeoutMs = 2_000): Promise<void> {
  // Stryker disable next-line ConditionalExpression: Sentry.close() without a client resolves at once, as skipping it does
  if (Sentry.isInitialized()) await Sentry.close(timeoutMs);
}
