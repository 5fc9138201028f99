import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { closeServer, listen } from '@cookbook/shared';
import { deleteRedisPrefix, redisPrefix, testServices, waitUntil } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../correlation/logger.js';
import { serve } from '../http/serve.js';
import { createGateway } from './gateway.js';

const MiB = 1024 * 1024;
const prefix = redisPrefix('proxy');
const AUTH = { authorization: 'Bearer k' };
let redis: Redis;
let gatewayUrl: string;
let stops: (() => Promise<unknown>)[] = [];

/** What the upstream saw and holds, so a test can tell whether the gateway streamed or buffered. */
const seen = { requests: 0, headers: {} as IncomingMessage['headers'], firstChunk: false, release: () => {} };
const upstream = createServer((req, res) => {
  seen.requests += 1;
  seen.headers = req.headers;
  const path = req.url ?? '';
  if (path === '/up/big') {
    // 1 MiB now, the other 31 only once the test saw the first bytes arrive at the client.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(MiB, 1));
    seen.release = () => {
      for (let i = 0; i < 31; i += 1) res.write(Buffer.alloc(MiB, 1));
      res.end();
    };
  } else if (path === '/up/upload') {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      seen.firstChunk = true;
    });
    req.on('end', () => void res.writeHead(200, { 'content-type': 'text/plain' }).end(String(bytes)));
  } else if (path === '/up/report.csv') {
    res.writeHead(418, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="report.csv"',
      'keep-alive': 'timeout=99',
      'x-internal-secret': 'db-password',
      'set-cookie': 'session=upstream',
    });
    res.end('sku,quantity\nbook,2\n');
  } else if (path === '/up/headers') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  }
  // /up/slow: never answers
});
let upstreamUrl: string;

beforeAll(async () => {
  redis = new Redis(testServices().redisUrl);
  upstreamUrl = await listen(upstream, 0);
  const gateway = createGateway({
    routes: {
      '/api/up': { service: 'up-service', base: async () => upstreamUrl, path: '/up/' },
      '/api/down': { service: 'down-service', base: async () => 'http://127.0.0.1:1', path: '/' },
      '/api/none': { service: 'none-service', base: () => Promise.reject(new Error('none registered')), path: '/' },
    },
    apiKeys: new Map([['k', 'client-k']]),
    redis,
    redisPrefix: prefix,
    rateLimit: { limit: 10_000, windowMs: 60_000 },
    timeoutMs: 500,
    log: createLogger('gateway', () => {}),
  });
  const served = await serve(gateway.app, 0);
  gatewayUrl = served.url;
  stops = [served.close, gateway.close];
});
afterAll(async () => {
  for (const stop of stops) await stop();
  upstream.closeAllConnections();
  await closeServer(upstream);
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
});

describe('the gateway streams both ways with undici', () => {
  // #region streaming-test
  it('a 32 MiB answer: the client has its first bytes while the service is still writing', async () => {
    const res = await fetch(`${gatewayUrl}/api/up/big`, { headers: AUTH });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read(); // a buffering proxy would still be waiting for the last byte
    let bytes = first.value?.length ?? 0;
    seen.release();
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
    seen.firstChunk = false;
    const answer = fetch(`${gatewayUrl}/api/up/upload`, { method: 'POST', headers: AUTH, body, duplex: 'half' });
    await waitUntil(() => seen.firstChunk || undefined, 'the first chunk at the service');
    sendRest();
    const res = await answer;
    expect(await res.text()).toBe(String(16 * MiB));
  });
  // #endregion streaming-test

  it("passes the service's status, content type and content headers; drops hop-by-hop and internal ones", async () => {
    const res = await fetch(`${gatewayUrl}/api/up/report.csv`, { headers: AUTH });
    expect(res.status).toBe(418);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="report.csv"');
    expect(await res.text()).toBe('sku,quantity\nbook,2\n');
    expect(res.headers.get('x-internal-secret')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('keep-alive')).not.toBe('timeout=99');
  });
});

describe('hostile headers stop at the gateway', () => {
  it('host, forged identity, credentials and Connection-listed names never reach the service', async () => {
    const received = await new Promise<Record<string, string>>((resolve, reject) => {
      const req = httpRequest(`${gatewayUrl}/api/up/headers`, {
        headers: {
          ...AUTH,
          host: 'evil.example',
          'x-client-id': 'admin',
          cookie: 'session=stolen',
          'proxy-authorization': 'Basic eDp5',
          'x-forwarded-host': 'evil.example',
          connection: 'keep-alive, idempotency-key',
          'idempotency-key': 'hop-by-hop',
        },
      });
      req.on('response', async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve(JSON.parse(text));
      });
      req.on('error', reject).end();
    });
    expect(received.host).toBe(new URL(upstreamUrl).host);
    expect(received['x-client-id']).toBe('client-k');
    for (const name of ['cookie', 'proxy-authorization', 'x-forwarded-host', 'idempotency-key', 'authorization'])
      expect(received[name], name).toBeUndefined();
  });

  it('Content-Length with Transfer-Encoding (request smuggling) is a 400 that never reaches the service', async () => {
    const before = seen.requests;
    const { port } = new URL(gatewayUrl);
    const socket = connect(Number(port), '127.0.0.1');
    const head = await new Promise<string>((resolve) => {
      socket.once('data', (chunk) => resolve(chunk.toString('latin1')));
      socket.write(
        'POST /api/up/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n' +
          'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/up/headers HTTP/1.1\r\n\r\n',
      );
    });
    socket.destroy();
    expect(head).toMatch(/^HTTP\/1\.1 400/);
    expect(seen.requests).toBe(before);
  });
});

describe('a failing service is answered by the gateway, naming it', () => {
  const call = async (path: string) => {
    const res = await fetch(`${gatewayUrl}${path}`, { headers: AUTH });
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
