import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
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
}

let running: NodeSDK | undefined;

// #region libraries
/** What gets spans without code changes. Scrapes, probes and pool pings outside a request stay out. */
export function tracedLibraries(): Instrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isProbe(req.url) }),
    // `fetch` and the undici client: instrumentation-http patches `node:http` and never sees them, so
    // without this the gateway's proxy and the service client send no `traceparent` and the trace breaks.
    // A readiness heartbeat outside any request starts no trace of its own.
    new UndiciInstrumentation({ requireParentforSpans: true }),
    // One span per route handler. A span per middleware (helmet, json, rate limit) is cost with no
    // answer in it, and a router's span stays active past its own routes: pool connects hung under it.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new AmqplibInstrumentation(),
  ];
}
// #endregion libraries

/** Readiness polls by the registry's heartbeats and the orchestrator: a trace each would bury the orders. */
const isProbe = (url: string | undefined) => url === '/metrics' || (url?.startsWith('/health/') ?? false);

/** Keep `ratio` of new traces; follow the parent's decision otherwise, so a kept trace is whole. */
export function createSampler(ratio: number): Sampler {
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
}

// #region start-tracing
/**
 * Starts the OpenTelemetry Node SDK. It patches `express`, `pg`, `amqplib`… as they load, so it must
 * run before anything imports them: from `node --import ./telemetry/register.ts`, never from the app.
 */
export function startTracing({ serviceName, sampleRatio, spanProcessors }: TracingOptions): NodeSDK {
  if (running) throw new Error('startTracing() was called twice: start it once, from the --import entry');
  if (spanProcessors.length === 0)
    throw new Error('startTracing() needs a span processor: with none the SDK traces nothing');
  hookEsmImports();
  const sdk = new NodeSDK({
    serviceName,
    sampler: createSampler(sampleRatio),
    spanProcessors,
    instrumentations: tracedLibraries(),
    // Left unset, the SDK also starts OTLP metrics and logs pipelines that post to localhost:4318
    // and hold shutdown for their retries. Metrics here are prom-client's, scraped.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  running = sdk;
  return sdk;
}
// #endregion start-tracing

/** Flushes the spans still batched and stops; a no-op if tracing never started. */
export async function stopTracing(): Promise<void> {
  const sdk = running;
  running = undefined;
  await sdk?.shutdown();
}

/**
 * The standard variables: `OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter posts to
 * `<endpoint>/v1/traces`), `OTEL_TRACES_SAMPLER_ARG` (the ratio, default 1).
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

/**
 * ESM imports bypass require(): a loader hook is how instrumentations see `import express`. In-thread
 * (`module.registerHooks`) where Node supports it (22.22.3+, 24.11.1+, 26): the off-thread
 * `module.register` hook makes a round trip to its own thread for every module the app imports.
 */
function hookEsmImports(): void {
  if (supportsSyncHooks()) registerSyncHooks();
  else register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
}
