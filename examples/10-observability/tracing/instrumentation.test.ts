import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createSampler, startTracing, stopTracing, tracingOptionsFromEnv } from './instrumentation.js';

const randomTraceId = () => Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const decide = (ratio: number, parent = ROOT_CONTEXT, traceId = randomTraceId()) =>
  createSampler(ratio).shouldSample(parent, traceId, 'POST /orders', SpanKind.SERVER, {}, []).decision;

describe('sampling', () => {
  // #region sampling
  it('keeps about the ratio of new traces', () => {
    const kept = Array.from({ length: 10_000 }, () => decide(0.1)).filter(
      (d) => d === SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(kept.length).toBeGreaterThan(800);
    expect(kept.length).toBeLessThan(1_200);
  });

  it('follows the caller’s decision, so a kept trace is never missing its downstream half', () => {
    const traceId = randomTraceId();
    const parent = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: flags, isRemote: true });
    expect(decide(0, parent(TraceFlags.SAMPLED), traceId)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(1, parent(TraceFlags.NONE), traceId)).toBe(SamplingDecision.NOT_RECORD);
  });
  // #endregion sampling
});

describe('configuration', () => {
  it('reads the service name and ratio from the standard variables', () => {
    const options = tracingOptionsFromEnv({ OTEL_SERVICE_NAME: 'orders', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    expect(options).toMatchObject({ serviceName: 'orders', sampleRatio: 0.25 });
    expect(options.spanProcessors).toHaveLength(1);
  });

  it('names an unnamed service as the OpenTelemetry spec does, so its spans are still found', () => {
    expect(tracingOptionsFromEnv({}).serviceName).toBe('unknown_service:node');
  });

  it('takes both ends of the range: 0 keeps only traces a caller kept, 1 keeps every trace', () => {
    expect(tracingOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: '0' }).sampleRatio).toBe(0);
    expect(tracingOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: '1' }).sampleRatio).toBe(1);
    expect(tracingOptionsFromEnv({}).sampleRatio).toBe(1);
  });

  it('refuses a ratio outside 0..1, naming the variable', () => {
    for (const bad of ['1.5', '-0.1', 'ten', ' ']) {
      expect(() => tracingOptionsFromEnv({ OTEL_TRACES_SAMPLER_ARG: bad })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    }
  });

  it('refuses to start with no span processor, which would trace nothing', () => {
    expect(() => startTracing({ serviceName: 'orders', sampleRatio: 1, spanProcessors: [] })).toThrow(/span processor/);
  });

  it('stops quietly when it never started, as a shutdown path after a failed start does', async () => {
    await expect(stopTracing()).resolves.toBeUndefined();
  });
});
