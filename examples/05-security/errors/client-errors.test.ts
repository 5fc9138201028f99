import { once } from 'node:events';
import { createServer, type Server, type ServerOptions } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { closeServer } from '@cookbook/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { answerMalformedRequests, describeClientError } from './client-errors.js';

describe('describeClientError: every body-parser error a client can cause, named and explained', () => {
  it.each([
    [
      { status: 400, type: 'entity.parse.failed' },
      { field: 'body', message: 'body is not valid JSON' },
    ],
    [
      { status: 413, type: 'entity.too.large', limit: 10_240 },
      { field: 'body', message: 'body is larger than the limit of 10240 bytes' },
    ],
    [
      { status: 415, type: 'encoding.unsupported', encoding: 'compress' },
      {
        field: 'content-encoding',
        message: 'Content-Encoding "compress" is not supported; send gzip, deflate or br, or none',
      },
    ],
    [
      { status: 415, type: 'charset.unsupported', charset: 'latin1' },
      { field: 'content-type', message: 'charset "latin1" is not supported for JSON; send utf-8' },
    ],
    [
      { status: 400, type: 'request.size.invalid' },
      { field: 'content-length', message: 'body length does not match Content-Length' },
    ],
    [
      { status: 400, type: 'request.aborted' },
      { field: 'body', message: 'the request ended before its body did' },
    ],
    [
      { status: 413, type: 'parameters.too.many' },
      { field: 'body', message: 'body has too many parameters' },
    ],
    [
      { status: 403, type: 'entity.verify.failed' },
      { field: 'body', message: 'body failed verification' },
    ],
  ])('%o → %o', (error, answer) => {
    expect(describeClientError(Object.assign(new Error('library text'), error))).toEqual({
      status: error.status,
      ...answer,
    });
  });

  it('reads statusCode when there is no status (raw-body and older http-errors set only that)', () => {
    expect(describeClientError({ statusCode: 413, type: 'entity.too.large', limit: 100 })).toEqual({
      status: 413,
      field: 'body',
      message: 'body is larger than the limit of 100 bytes',
    });
  });

  it.each([400, 404, 431, 499])('any status from 400 through 499 is the client’s (%i)', (status) => {
    expect(describeClientError({ status })?.status).toBe(status);
  });

  it.each([
    ['a 3xx', { status: 399 }],
    ['a 5xx', { status: 500 }],
    ['a 503', { status: 503, type: 'entity.parse.failed' }],
    ['a status that is not an integer', { status: 400.5 }],
    ['a status that is not a number', { status: 'bad' }],
    ['no status at all', new Error('boom')],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'entity.parse.failed'],
  ])('%s stays a server error (undefined)', (_, error) => {
    expect(describeClientError(error)).toBeUndefined();
  });

  it('a 4xx with no type (a zlib error from a body that only claims to be gzip) names Content-Encoding', () => {
    expect(describeClientError({ status: 400, code: 'Z_DATA_ERROR' }, 'gzip')).toEqual({
      status: 400,
      field: 'content-encoding',
      message: 'body is not valid gzip data',
    });
  });

  it.each([
    ['no Content-Encoding', undefined],
    ['identity', 'identity'],
    ['IDENTITY', 'IDENTITY'],
  ])('a 4xx with no type and %s names the request, with the status text', (_, encoding) => {
    expect(describeClientError({ status: 404 }, encoding)).toEqual({
      status: 404,
      field: 'request',
      message: 'Not Found',
    });
  });

  it('a 4xx Node has no text for is a plain "bad request"', () => {
    expect(describeClientError({ status: 499 })).toEqual({ status: 499, field: 'request', message: 'bad request' });
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'a type that is a name on Object.prototype (%s) is an unknown type, not a lookup of it',
    (type) => {
      expect(describeClientError({ status: 400, type })).toEqual({
        status: 400,
        field: 'request',
        message: 'Bad Request',
      });
    },
  );

  it('a type that only turns into a known one as a string (an array) is an unknown type', () => {
    expect(describeClientError({ status: 400, type: ['entity.parse.failed'] })?.field).toBe('request');
  });
});

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
