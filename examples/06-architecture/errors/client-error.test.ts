import { PassThrough } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { answerClientError } from '../app/api/request-problems.js';
import { parseResponse } from '../test/raw-http.js';

// What the server's clientError handler writes for each refusal of Node's HTTP parser; real requests
// that reach it on both frameworks are in ../test/hostile-input.test.ts.
describe("answerClientError: Node's parser refusals in the one JSON error shape", () => {
  async function answer(code: string | undefined) {
    const socket = new PassThrough();
    const written = socket.toArray();
    answerClientError(Object.assign(new Error('parse error'), { code }), socket);
    const raw = Buffer.concat(await written);
    const { headers, body } = parseResponse(raw);
    const statusLine = raw.toString('utf8').split('\r\n')[0];
    return { statusLine, headers, text: body, body: JSON.parse(body) as { error: Record<string, unknown> } };
  }

  it.each([
    ['HPE_INVALID_CONTENT_LENGTH', 400, 'content-length', 'Content-Length must be one non-negative integer'],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400, 'content-length', 'Send one Content-Length (or Transfer-Encoding), once'],
    ['HPE_INVALID_EOF_STATE', 400, 'content-length', 'The body ended before Content-Length bytes arrived'],
    ['HPE_INVALID_TRANSFER_ENCODING', 400, 'transfer-encoding', 'Transfer-Encoding must be chunked, and alone'],
    ['HPE_HEADER_OVERFLOW', 431, 'headers', 'The request headers are too large'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request', 'The request took too long to arrive'],
    ['HPE_SOMETHING_NEW', 400, 'request', 'The request is not valid HTTP'],
    [undefined, 400, 'request', 'The request is not valid HTTP'],
  ])('%s → %i naming %s', async (code, status, field, message) => {
    const { statusLine, headers, text, body } = await answer(code);
    const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status];
    expect(statusLine).toBe(`HTTP/1.1 ${status} ${reason}`);
    expect(headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
      connection: 'close',
    });
    expect(body.error).toEqual({
      code: 'BAD_REQUEST',
      message,
      requestId: expect.any(String),
      details: [{ field, message }],
    });
  });

  it('a client that reset the connection, or a socket already closed, is answered nothing', async () => {
    const reset = new PassThrough();
    answerClientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), reset);
    expect([reset.destroyed, reset.readableLength]).toEqual([true, 0]);
    const closed = new PassThrough();
    const errors: Error[] = [];
    closed.on('error', (error) => errors.push(error)).end();
    answerClientError(Object.assign(new Error('parse error'), { code: 'HPE_INVALID_CONTENT_LENGTH' }), closed);
    await setImmediate();
    // Not a write after end: that would be an 'error' of its own.
    expect([closed.destroyed, errors]).toEqual([true, []]);
  });
});
