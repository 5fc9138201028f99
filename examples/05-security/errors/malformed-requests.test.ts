import { once } from 'node:events';
import { createServer, type Server, type ServerOptions } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { closeServer } from '@cookbook/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { answerMalformedRequests } from './client-errors.js';

describe('answerMalformedRequests: what Node’s parser refuses is answered in JSON, or not at all', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await closeServer(server);
    server = undefined;
  });

  async function serve(options: ServerOptions = {}): Promise<number> {
    server = answerMalformedRequests(createServer(options, (_req, res) => void res.end('ok')));
    // Longer than any test waits: a connection that closes, closes because it was closed on purpose.
    server.keepAliveTimeout = 60_000;
    await once(server.listen(0, '127.0.0.1'), 'listening');
    return (server.address() as AddressInfo).port;
  }

  /** Writes `bytes` (and then the rest, one by one, as the answer to each arrives) and reads until the server closes. */
  async function exchange(port: number, ...writes: string[]): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const [first, ...rest] = writes;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const next = rest.shift();
      if (next !== undefined) socket.write(next);
    });
    socket.on('error', () => {});
    let waited = false;
    socket.setTimeout(5_000, () => {
      waited = true;
      socket.destroy();
    });
    socket.write(first ?? '');
    await once(socket, 'close');
    if (waited) throw new Error('the server left the connection open');
    return Buffer.concat(chunks).toString('latin1');
  }

  function parse(answer: string): { status: number; headers: string; body: unknown } {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    return { status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) };
  }

  it('a framing error is a 400 whose message says which headers to check', async () => {
    const port = await serve();
    const answer = parse(await exchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n'));
    const message = 'malformed HTTP request (check Content-Length and Transfer-Encoding)';
    expect(answer.status).toBe(400);
    expect(answer.headers).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer.headers).toContain('\r\nContent-Type: application/json; charset=utf-8');
    expect(answer.headers).toContain('\r\nConnection: close');
    expect(answer.body).toEqual({ error: message, fields: [{ field: 'request', message }] });
  });

  it('headers larger than the parser allows are a 431 naming the request', async () => {
    const port = await serve({ maxHeaderSize: 1024 });
    const answer = parse(await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2048)}\r\n\r\n`));
    const message = 'Request Header Fields Too Large';
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(answer.body).toEqual({ error: message, fields: [{ field: 'request', message }] });
  });

  it('a request that does not arrive within requestTimeout is a 408', async () => {
    const port = await serve({ requestTimeout: 200, headersTimeout: 200, connectionsCheckingInterval: 50 });
    // Half the headers, then nothing: a slow-loris client.
    const answer = parse(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Part'));
    const message = 'Request Timeout';
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ error: message, fields: [{ field: 'request', message }] });
  });

  it('on a connection that already carried an answer, a malformed request closes it and writes nothing more', async () => {
    const port = await serve();
    const answer = await exchange(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n',
    );
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
  });
});
