import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AUTH, useGatewayToUpstream } from './test/upstream-gateway.js';

const gateway = useGatewayToUpstream('proxy-headers');

describe('hostile headers stop at the gateway', () => {
  it('host, forged identity, credentials and Connection-listed names never reach the service', async () => {
    const received = await new Promise<Record<string, string>>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/api/up/headers`, {
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
    expect(received.host).toBe(new URL(gateway.upstream.url).host);
    expect(received['x-client-id']).toBe('client-k');
    for (const name of ['cookie', 'proxy-authorization', 'x-forwarded-host', 'idempotency-key', 'authorization'])
      expect(received[name], name).toBeUndefined();
  });

  it('Content-Length with Transfer-Encoding (request smuggling) is a 400 that never reaches the service', async () => {
    const before = gateway.upstream.requests;
    const { port } = new URL(gateway.url);
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
    expect(gateway.upstream.requests).toBe(before);
  });
});
