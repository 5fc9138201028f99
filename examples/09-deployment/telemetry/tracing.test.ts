import type { IncomingMessage } from 'node:http';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { startedParts } from './started.js';
import { startTracing, stopTracing, tracedLibraries, tracingOptionsFromEnv } from './tracing.js';

describe('the options', () => {
  it('come from the standard variables, else SERVICE_NAME, else api; a tenth sampled by default', () => {
    expect(
      tracingOptionsFromEnv({ OTEL_SERVICE_NAME: 'orders', SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER_ARG: '0.25' }),
    ).toMatchObject({ serviceName: 'orders', sampleRatio: 0.25 });
    expect(tracingOptionsFromEnv({ OTEL_SERVICE_NAME: '', SERVICE_NAME: 'billing' })).toMatchObject({
      serviceName: 'billing',
      sampleRatio: 0.1,
    });
    const defaults = tracingOptionsFromEnv({});
    expect([defaults.serviceName, defaults.spanProcessors.length]).toEqual(['api', 1]);
    for (const edge of ['0', '1'])
      expect(tracingOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: edge }).sampleRatio).toBe(Number(edge));
  });

  it('refuse a sampler argument that is not a ratio, naming it', () => {
    for (const raw of ['', ' ', '1.01', '-0.1', '10%', 'NaN'])
      expect(() => tracingOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: raw })).toThrow(
        `OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "${raw}"`,
      );
  });
});

describe('the traced libraries', () => {
  it('trace no probe and no scrape, and every other incoming request', () => {
    const [http] = tracedLibraries();
    const ignored = (http?.getConfig() as HttpInstrumentationConfig | undefined)?.ignoreIncomingRequestHook;
    const decide = (url: string | undefined) => ignored?.({ url } as IncomingMessage);
    expect(['/health/live', '/health/ready', '/metrics'].map(decide)).toEqual([true, true, true]);
    expect(['/api/time', '/healthz', '/metrics/x', undefined].map(decide)).toEqual([false, false, false, false]);
  });
});

describe('startTracing', () => {
  // One SDK per process: the API keeps the first tracer provider registered, stopped or not.
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const start = () =>
    startTracing({ serviceName: 'orders', sampleRatio: 0, spanProcessors: [processor], instrumentations: [] });
  afterAll(() => stopTracing());

  it('samples new traces at the ratio, follows a caller that sampled its own, and names the service', async () => {
    start();
    trace.getTracer('test').startSpan('unsampled').end();
    const caller = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    context.with(caller, () => trace.getTracer('test').startSpan('sampled by the caller').end());
    // The SDK's resource detectors are asynchronous: a span leaves once they have answered.
    await processor.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => [s.name, s.resource.attributes['service.name']])).toEqual([
      ['sampled by the caller', 'orders'],
    ]);
  });

  it('refuses to start twice; after the closer graceful shutdown runs, it is stopped', async () => {
    expect(start).toThrow('startTracing() was called twice: start it once, from the --import entry');
    await startedParts()
      .find((part) => part.name === 'tracing')
      ?.close();
    expect(start).not.toThrow();
  });

  it('needs a span processor: with none it would trace nothing', async () => {
    await stopTracing();
    expect(() => startTracing({ serviceName: 'orders', sampleRatio: 1, spanProcessors: [] })).toThrow(
      'startTracing() needs a span processor: with none it traces nothing',
    );
  });
});
