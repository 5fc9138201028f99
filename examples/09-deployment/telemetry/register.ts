// The `--import` entry, run before the service's first import:
//   node --import ./dist/telemetry/register.js dist/service/start.js
// (pm2's node_args and the Dockerfile's CMD say the same). Tracing first, so that Sentry, started
// second, stamps its events with the spans' trace ids instead of making traces of its own.
import { errorTrackingOptionsFromEnv, startErrorTracking } from './error-tracking.js';
import { startTracing, tracingOptionsFromEnv } from './tracing.js';

startTracing(tracingOptionsFromEnv());
startErrorTracking(errorTrackingOptionsFromEnv());
