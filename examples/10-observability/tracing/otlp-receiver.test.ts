import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { waitUntil } from '@cookbook/shared/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeExport, type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.js';

/** One OTLP/HTTP JSON export as @opentelemetry/exporter-trace-otlp-http writes it. */
const oneSpanExport = (name = 'POST /orders', parentSpanId = '') => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              parentSpanId,
              name,
              kind: 2, // SPAN_KIND_SERVER
              startTimeUnixNano: '1764547200123456789',
              endTimeUnixNano: '1764547200125956789',
              attributes: [
                { key: 'http.route', value: { stringValue: '/orders' } },
                { key: 'http.response.status_code', value: { intValue: '201' } },
                { key: 'retries', value: { intValue: 0 } },
                { key: 'sample.ratio', value: { doubleValue: 0.25 } },
                { key: 'cache.hit', value: { boolValue: false } },
              ],
            },
          ],
        },
      ],
    },
  ],
});

describe('decodeExport', () => {
  it('flattens a span: service from the resource, kind as the API numbers it, times in ms', () => {
    expect(decodeExport(oneSpanExport())).toEqual([
      {
        service: 'orders',
        name: 'POST /orders',
        kind: 1,
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        parentSpanId: undefined, // OTLP JSON sends a root's parent as ""
        startMs: 1764547200123.456, // to the microsecond: a double in ms cannot hold an epoch's nanoseconds
        endMs: 1764547200125.956,
        attributes: {
          'http.route': '/orders',
          'http.response.status_code': 201,
          retries: 0,
          'sample.ratio': 0.25,
          'cache.hit': false,
        },
      },
    ]);
  });

  it('keeps a parent id, and reads an export with no spans or no attributes as what it holds', () => {
    expect(decodeExport(oneSpanExport('child', 'b7ad6b7169203331'))[0]?.parentSpanId).toBe('b7ad6b7169203331');
    expect(decodeExport({})).toEqual([]);
    expect(decodeExport({ resourceSpans: [{}] })).toEqual([]);
    expect(decodeExport({ resourceSpans: [{ scopeSpans: [{}] }] })).toEqual([]);
  });
});

describe('the receiver', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });
  const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${receiver.endpoint}/v1/traces`, { method: 'POST', headers, body });

  it('takes a JSON export, plain or gzipped, and answers 200 with an empty JSON object', async () => {
    const plain = await post(JSON.stringify(oneSpanExport('plain')));
    expect([plain.status, plain.headers.get('content-type'), await plain.text()]).toEqual([
      200,
      'application/json',
      '{}',
    ]);
    const gzipped = await post(gzipSync(JSON.stringify(oneSpanExport('gzipped'))), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gzipped.status).toBe(200);
    expect(receiver.spans.map((s) => s.name)).toEqual(['plain', 'gzipped']);
    expect(receiver.contentTypes).toEqual(['application/json', 'application/json']);
  });

  it('answers 400 naming the error for a body that is not JSON, and keeps serving', async () => {
    const bad = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(((await bad.json()) as { error: string }).error).toMatch(/SyntaxError/);
    expect((await post(JSON.stringify(oneSpanExport()))).status).toBe(200);
  });

  it('answers 404 to anything but POST /v1/traces, and records nothing for it', async () => {
    const wrongMethod = await fetch(`${receiver.endpoint}/v1/traces`);
    const wrongPath = await fetch(`${receiver.endpoint}/v1/metrics`, { method: 'POST', body: '{}' });
    expect([wrongMethod.status, wrongPath.status]).toEqual([404, 404]);
    expect(receiver.contentTypes).toEqual([]);
  });

  it('waitForSpan finds a span already received and one still to come', async () => {
    await post(JSON.stringify(oneSpanExport('early')));
    expect((await receiver.waitForSpan((s) => s.name === 'early')).name).toBe('early');
    const late = receiver.waitForSpan((s) => s.name === 'late');
    await post(JSON.stringify(oneSpanExport('not yet')));
    await post(JSON.stringify(oneSpanExport('late')));
    expect((await late).name).toBe('late');
  });

  it('waitForSpan fails after its timeout, saying how many spans did arrive', async () => {
    await post(JSON.stringify(oneSpanExport('other')));
    await expect(receiver.waitForSpan((s) => s.name === 'never', 50)).rejects.toThrow(
      'no matching span arrived within 50 ms (1 spans so far)',
    );
  });

  it('waitForSpan leaves no timer or listener behind, however often a long-lived receiver is asked', async () => {
    await post(JSON.stringify(oneSpanExport('early')));
    const warnings: Error[] = [];
    const warn = (warning: Error) => warnings.push(warning);
    process.on('warning', warn);
    try {
      for (let i = 0; i < 12; i++) await receiver.waitForSpan((s) => s.name === 'early');
      for (let i = 0; i < 12; i++) await receiver.waitForSpan((s) => s.name === 'never', 1).catch(() => {});
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      await receiver.waitForSpan((s) => s.name === 'early');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
      await new Promise(setImmediate); // a MaxListenersExceededWarning is emitted on the next tick
      process.off('warning', warn);
    }
    expect(warnings.map((w) => w.name)).toEqual([]);
  });

  it('listens on loopback only: a test receiver is not reachable from the network', async () => {
    const port = new URL(receiver.endpoint).port;
    await expect(fetch(`http://[::1]:${port}/v1/traces`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('closes with an export still arriving: it does not wait for a body that never ends', async () => {
    const stalled = request(`${receiver.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-length': '1000' },
    });
    const cut = new Promise((resolve) => stalled.once('error', resolve));
    stalled.write('{"resourceSpans":');
    await waitUntil(() => receiver.contentTypes.length === 1, 'the receiver to start reading the body');
    await receiver.close();
    expect(await cut).toMatchObject({ code: 'ECONNRESET' });
    receiver = await startOtlpReceiver(); // for afterEach
  });
});
