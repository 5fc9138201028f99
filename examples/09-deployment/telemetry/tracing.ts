import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';
import { started } from './started.js';

export interface TracingOptions {
  serviceName: string;
  /** Share of new traces kept, 0 to 1. A request that arrives with a trace follows its caller's decision. */
  sampleRatio: number;
  /** Where finished spans go: a batch to OTLP in production. */
  spanProcessors: SpanProcessor[];
  /** What to patch; `tracedLibraries()` unless a caller trims it (the cost bench does). */
  instrumentations?: Instrumentation[];
}

let running: NodeSDK | undefined;

// #region libraries
/** Probes and scrapes make no traces; pool pings and Redis reconnects outside a request make no spans. */
export function tracedLibraries(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => req.url?.startsWith('/health/') === true || req.url === '/metrics',
    }),
    // A span per route handler; one per middleware (helmet, the deadline, …) or router is cost with no answer in it.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
}
// #endregion libraries

// #region start-tracing
/**
 * Starts the OpenTelemetry Node SDK. It patches `express`, `pg` and `ioredis` as they load, so it
 * must run before anything imports them: from `node --import ./dist/telemetry/register.js`.
 */
export function startTracing({
  serviceName,
  sampleRatio,
  spanProcessors,
  instrumentations = tracedLibraries(),
}: TracingOptions): NodeSDK {
  if (running) throw new Error('startTracing() was called twice: start it once, from the --import entry');
  if (spanProcessors.length === 0)
    throw new Error('startTracing() needs a span processor: with none it traces nothing');
  hookEsmImports();
  const sdk = new NodeSDK({
    serviceName,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampleRatio) }),
    spanProcessors,
    instrumentations,
    // Left unset, the SDK also starts OTLP metrics and logs pipelines that post to localhost:4318
    // and hold shutdown for their retries. Metrics here are prom-client's, logs go to stdout.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  running = sdk;
  started({ name: 'tracing', close: () => stopTracing() });
  return sdk;
}
// #endregion start-tracing

/** Flushes the spans still batched and stops; the last closer of graceful shutdown. A no-op if never started. */
export async function stopTracing(): Promise<void> {
  const sdk = running;
  running = undefined;
  await sdk?.shutdown();
}

// #region from-env
/**
 * The standard variables: `OTEL_SERVICE_NAME` (else SERVICE_NAME), `OTEL_EXPORTER_OTLP_ENDPOINT`
 * (read by the exporter, which posts to `<endpoint>/v1/traces`), `OTEL_TRACES_SAMPLER_ARG` (the
 * ratio; 0.1 by default: a tenth of the traffic shows every kind of request, at a tenth of the export).
 */
export function tracingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TracingOptions {
  const raw = env.OTEL_TRACES_SAMPLER_ARG ?? '0.1';
  const sampleRatio = Number(raw);
  if (raw.trim() === '' || !(sampleRatio >= 0 && sampleRatio <= 1)) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "${raw}"`);
  }
  return {
    serviceName: env.OTEL_SERVICE_NAME || env.SERVICE_NAME || 'api',
    sampleRatio,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  };
}
// #endregion from-env

/**
 * ESM imports bypass require(): a loader hook is how instrumentations see `import express`. In-thread
 * (`module.registerHooks`) where Node supports it (22.22.3+, 24.11.1+, 26): the off-thread
 * `module.register` hook makes a round trip to its own thread for every module the app imports.
 */
function hookEsmImports(): void {
  if (supportsSyncHooks()) registerSyncHooks();
  else register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
