import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { AUTH, MiB, useGatewayToUpstream } from './test/upstream-gateway.js';

const gateway = useGatewayToUpstream('proxy');

describe('the gateway streams both ways with undici', () => {
  // #region streaming-test
  it('a 32 MiB answer: the client has its first bytes while the service is still writing', async () => {
    const res = await fetch(`${gateway.url}/api/up/big`, { headers: AUTH });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read(); // a buffering proxy would still be waiting for the last byte
    let bytes = first.value?.length ?? 0;
    gateway.upstream.release();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) bytes += chunk.value.length;
    expect({ status: res.status, type: res.headers.get('content-type'), bytes }).toEqual({
      status: 200,
      type: 'application/octet-stream',
      bytes: 32 * MiB,
    });
  });

  it('a 16 MiB upload: the service reads the first chunk before the client sent the rest', async () => {
    let sendRest = () => {};
    const rest = new Promise<void>((resolve) => {
      sendRest = resolve;
    });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new Uint8Array(MiB));
        await rest;
        for (let i = 0; i < 15; i += 1) controller.enqueue(new Uint8Array(MiB));
        controller.close();
      },
    });
    gateway.upstream.firstChunk = false;
    const answer = fetch(`${gateway.url}/api/up/upload`, {
      method: 'POST',
      headers: AUTH,
      body,
      duplex: 'half',
    });
    await waitUntil(() => gateway.upstream.firstChunk || undefined, 'the first chunk at the service');
    sendRest();
    const res = await answer;
    expect(await res.text()).toBe(String(16 * MiB));
  });
  // #endregion streaming-test

  it("passes the service's status, content type and content headers; drops hop-by-hop and internal ones", async () => {
    const res = await fetch(`${gateway.url}/api/up/report.csv`, { headers: AUTH });
    expect(res.status).toBe(418);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.csv"');
    expect(await res.text()).toBe('sku,quantity\nbook,2\n');
    expect(res.headers.get('x-internal-secret')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('keep-alive')).not.toBe('timeout=99');
  });
});

describe('a failing service is answered by the gateway, naming it', () => {
  const call = async (path: string) => {
    const res = await fetch(`${gateway.url}${path}`, { headers: AUTH });
    return { status: res.status, body: await res.json() };
  };
  it('slow → 504, refused → 502, none registered → 503', async () => {
    expect(await call('/api/up/slow')).toEqual({
      status: 504,
      body: { error: 'up-service did not answer in time', service: 'up-service' },
    });
    expect(await call('/api/down/x')).toEqual({
      status: 502,
      body: { error: 'down-service is unreachable', service: 'down-service' },
    });
    expect(await call('/api/none/x')).toEqual({
      status: 503,
      body: { error: 'none-service has no healthy instance: none registered' },
    });
  });
});
