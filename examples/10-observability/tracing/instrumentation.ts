import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

export interface TracingOptions {
  serviceName: string;
  /** Share of new traces kept, 0 to 1. A service called with a trace follows its caller's decision. */
  sampleRatio: number;
  /** Where finished spans go: a batch to OTLP in production, an in-memory exporter in tests. */
  spanProcessors: SpanProcessor[];
  /** What to patch; `tracedLibraries()` unless a caller trims it (the overhead bench does). */
  instrumentations?: Instrumentation[];
}

let running: NodeSDK | undefined;
/** A loader hook lives as long as the process: a start after `stopTracing()` must not add a second. */
let esmImportsHooked = false;

// #region libraries
/** What gets spans without code changes. Scrapes, pool pings and schema setup outside a request stay out. */
export function tracedLibraries(): Instrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/metrics' }),
    // One span per route handler; a span per middleware (json parser, helmet, …) is cost with no answer in it.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
    new PgInstrumentation({ requireParentSpan: true }),
    // Stryker disable next-line ObjectLiteral: ioredis's default is already true (0.72); said here so a change of default cannot widen it
    new IORedisInstrumentation({ requireParentSpan: true }),
    new AmqplibInstrumentation(),
  ];
}
// #endregion libraries

// #region sampler
/** Keep `ratio` of new traces; follow the parent's decision otherwise, so a kept trace is whole. */
export function createSampler(ratio: number): Sampler {
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
}
// #endregion sampler

// #region start-tracing
/**
 * Starts the OpenTelemetry Node SDK. It patches `express`, `pg`, `amqplib`… as they load, so it must
 * run before anything imports them: from `node --import`, never from the app's own imports.
 */
export function startTracing({
  serviceName,
  sampleRatio,
  spanProcessors,
  instrumentations = tracedLibraries(),
}: TracingOptions): NodeSDK {
  if (running) throw new Error('startTracing() was called twice: start it once, from the --import entry');
  hookEsmImports();
  if (spanProcessors.length === 0)
    throw new Error('startTracing() needs a span processor: with none the SDK traces nothing');
  const sdk = new NodeSDK({
    serviceName,
    sampler: createSampler(sampleRatio),
    spanProcessors,
    instrumentations,
    // Left unset, the SDK also starts OTLP metrics and logs pipelines from the environment, which
    // post to localhost:4318 and hold shutdown for their retries. Metrics here are prom-client's.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  running = sdk;
  return sdk;
}
// #endregion start-tracing

/** Flushes the spans still batched and stops; call it last in graceful shutdown. A no-op if never started. */
export async function stopTracing(): Promise<void> {
  const sdk = running;
  running = undefined;
  await sdk?.shutdown();
}

// #region from-env
/**
 * The standard variables: `OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_ENDPOINT` (read by the exporter,
 * which posts to `<endpoint>/v1/traces`), `OTEL_TRACES_SAMPLER_ARG` (the ratio, default 1).
 */
export function tracingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): TracingOptions {
  const raw = env.OTEL_TRACES_SAMPLER_ARG ?? '1';
  const sampleRatio = Number(raw);
  if (raw.trim() === '' || !(sampleRatio >= 0 && sampleRatio <= 1)) {
    throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "${raw}"`);
  }
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? 'unknown_service:node',
    sampleRatio,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  };
}
// #endregion from-env

// #region esm-hook
/**
 * ESM imports bypass require(): a loader hook is how instrumentations see `import express`. In-thread
 * (`module.registerHooks`) where Node supports it (22.22.3+, 24.11.1+, 26): the off-thread
 * `module.register` hook makes a round trip to its own thread for every module the app imports.
 */
function hookEsmImports(): void {
  if (esmImportsHooked) return;
  esmImportsHooked = true;
  if (supportsSyncHooks()) registerSyncHooks();
  else register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
// #endregion esm-hook
