// The `--import` entry, run before the application's first import, so the libraries it patches
// (http, express, pg, ioredis, amqplib) are patched as they load:
//   node --import ./dist/telemetry/register.js dist/order-flow/<service>.js            compiled
//   node --import tsx --import ./telemetry/register.ts order-flow/<service>.ts          from sources
// Reads OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER_ARG and SENTRY_DSN,
// SENTRY_RELEASE, SENTRY_ENVIRONMENT. Without a DSN, error tracking stays off.
import { errorTrackingOptionsFromEnv, startErrorTracking } from './error-tracking.js';
import { startTracing, tracingOptionsFromEnv } from './tracing.js';

startTracing(tracingOptionsFromEnv());
startErrorTracking(errorTrackingOptionsFromEnv()); // after tracing: it attaches to that tracer provider
