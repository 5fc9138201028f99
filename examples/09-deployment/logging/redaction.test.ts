import { context, TraceFlags, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturedLog } from '../test/captured-log.js';
import { createLogger, naiveLogger } from './logger.js';

const PASSWORD = 'pw-deep-41c9';
const logged = (fields: Record<string, unknown>) => {
  const log = new CapturedLog();
  createLogger({ service: 'api', level: 'info', stream: log }).info('line', fields);
  return { log, entry: log.entries[0] ?? {} };
};

describe('what the logger masks, and what it keeps', () => {
  it('masks every spelling of an API key, and marks the field rather than dropping it', () => {
    const { log, entry } = logged({ apikey: 'k-1', api_key: 'k-2', 'x-api-key': 'k-3', apiKey: 'k-4' });
    for (const key of ['k-1', 'k-2', 'k-3', 'k-4']) expect(log.raw).not.toContain(key);
    expect(entry.apiKey).toMatch(/REDACTED/);
  });

  it('keeps numbers, booleans and nulls as they are, and arrays as arrays with their items masked', () => {
    const { entry } = logged({
      attempts: 3,
      cached: false,
      parent: null,
      users: [{ name: 'ada', password: PASSWORD }],
    });
    expect(entry).toMatchObject({ attempts: 3, cached: false, parent: null });
    expect(entry.users).toEqual([{ name: 'ada', password: '[REDACTED]' }]);
  });

  it('cuts nesting past five levels instead of writing it unmasked; five levels are kept', () => {
    const deep = { l1: { l2: { l3: { l4: { l5: { kept: 'yes', l6: { password: PASSWORD } } } } } } };
    const { log, entry } = logged({ deep });
    expect(log.raw).not.toContain(PASSWORD);
    // Marked as cut, so a reader does not take it for an empty value.
    expect(JSON.stringify(entry.deep)).toContain('"kept":"yes","l6":"[TRUNCATED]"');
  });

  it('a cycle, through an object or an array, is cut too, not a stack overflow', () => {
    const loop: Record<string, unknown> = { name: 'order' };
    loop.self = loop;
    const list: unknown[] = ['item'];
    list.push(list);
    expect(() => logged({ loop, list })).not.toThrow();
  });

  it('logs an Error given as the message with its stack', () => {
    const log = new CapturedLog();
    createLogger({ service: 'api', level: 'info', stream: log }).error(new Error('ledger closed'));
    expect(log.entries[0]).toMatchObject({ level: 'error', message: 'ledger closed' });
    expect(String(log.entries[0]?.stack)).toContain('redaction.test.ts');
  });

  it('the naive logger is the Q&A’s: JSON with timestamp, service and stack, info and up, nothing masked', () => {
    const log = new CapturedLog();
    const naive = naiveLogger(log);
    naive.debug('not at info');
    naive.error(new Error('ledger closed'));
    naive.info('login', { password: PASSWORD });
    expect(log.entries).toHaveLength(2);
    expect(log.raw).toContain(PASSWORD);
    expect(log.entries[0]).toMatchObject({ service: 'api', level: 'error', message: 'ledger closed' });
    expect(String(log.entries[0]?.stack)).toContain('redaction.test.ts');
    expect(Date.parse(String(log.entries[0]?.timestamp))).not.toBeNaN();
  });
});

describe('trace context on each line', () => {
  const provider = new NodeTracerProvider();
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    context.disable();
    trace.disable();
  });
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';
  const lineIn = (traceFlags: number, ids = { traceId, spanId }) => {
    const active = trace.setSpanContext(context.active(), { ...ids, traceFlags });
    const log = new CapturedLog();
    context.with(active, () => createLogger({ service: 'api', level: 'info', stream: log }).info('traced'));
    return log.entries[0];
  };

  it('carries the active span’s ids, and flags 01 sampled or 00 not', () => {
    expect(lineIn(TraceFlags.SAMPLED)).toMatchObject({ trace_id: traceId, span_id: spanId, trace_flags: '01' });
    expect(lineIn(TraceFlags.NONE)).toMatchObject({ trace_id: traceId, trace_flags: '00' });
  });

  it('carries no ids for an invalid span context', () => {
    const invalid = lineIn(TraceFlags.SAMPLED, { traceId: '0'.repeat(32), spanId: '0'.repeat(16) });
    expect(invalid).not.toHaveProperty('trace_id');
  });
});
