import * as Sentry from '@sentry/node';
import { scrubSecrets } from './scrub.js';

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
    environment: env.SENTRY_ENVIRONMENT || env.NODE_ENV || 'development',
  };
}

// #region start-error-tracking
/**
 * Sentry for errors only, beside the app's own OpenTelemetry: `enableOpenTelemetrySetup` stays
 * false (Sentry 11's default) so it registers no competing tracer provider, no `tracesSampleRate`
 * so it makes no spans of its own, and `openTelemetryIntegration()` stamps each event with the
 * active OpenTelemetry span's trace id. Start tracing first. Without a DSN this does nothing.
 */
export function startErrorTracking({ dsn, release, environment }: ErrorTrackingOptions): Sentry.NodeClient | undefined {
  if (!dsn) return undefined;
  return Sentry.init({
    dsn,
    release,
    environment,
    enableOpenTelemetrySetup: false,
    // Sentry 11 collects headers, cookies, bodies and local variables by default. Keep the request's
    // method, URL and headers (its own filter drops the obvious tokens) and none of the rest.
    dataCollection: {
      cookies: false,
      // Stryker disable next-line ArrayDeclaration: Sentry only looks for its own four names in this list
      httpBodies: [],
      userInfo: false,
      // Stryker disable next-line BooleanLiteral: collected only with `includeLocalVariables: true`, off by default; false keeps them out if it is turned on
      stackFrameVariables: false,
    },
    // `handleErrors` decides what a 5xx is and reports it, in the request's span; Sentry's own
    // Express integration (and the module rewriting it needs) would report the same error first.
    // Stryker disable next-line BooleanLiteral: with Express filtered out, no integration here listens on the injected channels; true only costs the rewriting
    enableRuntimeChannelInjection: false,
    integrations: (defaults) => [
      // Stryker disable next-line MethodExpression,ConditionalExpression,StringLiteral: with no channel injected, Express's integration hears nothing; this guards a build that injects them
      ...defaults.filter((integration) => integration.name !== 'Express'),
      Sentry.openTelemetryIntegration(),
      // Sentry's default, 'warn', keeps a process running after an unhandled rejection, which
      // Node itself would have ended: report it, flush, and exit as Node would.
      Sentry.onUnhandledRejectionIntegration({ mode: 'strict' }),
    ],
    beforeSend: (event) => scrubSecrets(event),
    beforeBreadcrumb: (breadcrumb) => scrubSecrets(breadcrumb),
  });
}
// #endregion start-error-tracking

// #region naive-error-tracking
/** The pitfall: the snippet from the quick start, with nothing scrubbed and rejections merely logged. */
export function naiveStartErrorTracking({
  dsn,
  release,
  environment,
}: ErrorTrackingOptions): Sentry.NodeClient | undefined {
  return Sentry.init({ dsn, release, environment });
}
// #endregion naive-error-tracking

// #region close-error-tracking
/** Sends what is queued (waiting up to `timeoutMs`) and stops; the last step of graceful shutdown. */
export async function closeErrorTracking(timeoutMs = 2_000): Promise<void> {
  await Sentry.close(timeoutMs); // without a DSN there is no client, and this resolves at once
}
// #endregion close-error-tracking
