import { describe, expect, it } from 'vitest';
import { assertReadableBody, requestProblemOf, UnreadableRequestError } from '../app/api/request-problems.js';

// The mapping behind ../test/hostile-input.test.ts, entry by entry: that test proves real requests
// reach it on both frameworks; this one pins the words each problem is answered with. The parser's
// refusals are in client-error.test.ts.
const problem = (error: UnreadableRequestError | undefined) => error && [error.status, error.field, error.message];
const refusal = (headers: Record<string, string>) => {
  try {
    assertReadableBody(headers);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableRequestError);
    expect((error as Error).name).toBe('UnreadableRequestError');
    return problem(error as UnreadableRequestError);
  }
};

const UNCOMPRESSED = [415, 'content-encoding', 'Send the body uncompressed (Content-Encoding: identity)'];
const NOT_JSON = [415, 'content-type', 'Send the body as Content-Type: application/json'];
const NOT_UTF8 = [415, 'content-type', 'Send the body in UTF-8 (charset=utf-8)'];
const JSON_BODY = { 'content-length': '2', 'content-type': 'application/json' };

describe('assertReadableBody: uncompressed UTF-8 JSON, or a 415 naming the header', () => {
  it.each([
    ['no body at all', {}],
    ['a JSON body', JSON_BODY],
    ['identity encoding, in any case and spacing', { ...JSON_BODY, 'content-encoding': ' Identity ' }],
    ['a type in capitals, with spaces', { ...JSON_BODY, 'content-type': ' Application/JSON ; Charset=UTF-8' }],
    ['charset utf8', { ...JSON_BODY, 'content-type': 'application/json; charset=utf8' }],
    ['charset "utf-8", quoted', { ...JSON_BODY, 'content-type': 'application/json; charset="utf-8"' }],
    ['a charset after another parameter', { ...JSON_BODY, 'content-type': 'application/json; v=1; charset=utf-8' }],
    ['no body, whatever its type', { 'content-length': '0', 'content-type': 'text/plain' }],
  ])('reads %s', (_what, headers) => {
    expect(refusal(headers)).toBeUndefined();
  });

  it.each([
    ['gzip', { ...JSON_BODY, 'content-encoding': 'gzip' }, UNCOMPRESSED],
    ['gzip even with no body', { 'content-encoding': ' GZIP ' }, UNCOMPRESSED],
    ['a chunked body with no type', { 'transfer-encoding': 'chunked' }, NOT_JSON],
    ['a body with no type', { 'content-length': '2' }, NOT_JSON],
    ['form data', { ...JSON_BODY, 'content-type': 'application/x-www-form-urlencoded' }, NOT_JSON],
    ['latin1', { ...JSON_BODY, 'content-type': 'application/json;charset=latin1' }, NOT_UTF8],
    ['an empty charset', { ...JSON_BODY, 'content-type': 'application/json; charset=' }, NOT_UTF8],
  ])('refuses %s', (_what, headers, expected) => {
    expect(refusal(headers)).toEqual(expected);
  });
});

describe('requestProblemOf: only the frameworks’ own request errors are the caller’s', () => {
  const bodyParser = (status: number, type: string) => Object.assign(new Error(type), { expose: true, status, type });
  const fastify = (statusCode: number, code: string) => Object.assign(new Error(code), { statusCode, code });

  it.each([
    [bodyParser(400, 'entity.parse.failed'), [400, 'body', 'The body is not valid JSON']],
    [fastify(400, 'FST_ERR_CTP_INVALID_JSON_BODY'), [400, 'body', 'The body is not valid JSON']],
    [fastify(400, 'FST_ERR_CTP_EMPTY_JSON_BODY'), [400, 'body', 'The body is empty; send a JSON object']],
    [bodyParser(413, 'entity.too.large'), [413, 'body', 'The body is larger than 100 kB']],
    [fastify(413, 'FST_ERR_CTP_BODY_TOO_LARGE'), [413, 'body', 'The body is larger than 100 kB']],
    [bodyParser(400, 'request.size.invalid'), [400, 'content-length', 'The body does not match its Content-Length']],
    [
      fastify(400, 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'),
      [400, 'content-length', 'The body does not match its Content-Length'],
    ],
    [bodyParser(415, 'encoding.unsupported'), UNCOMPRESSED],
    [bodyParser(415, 'charset.unsupported'), NOT_UTF8],
    [fastify(415, 'FST_ERR_CTP_INVALID_MEDIA_TYPE'), NOT_JSON],
    [bodyParser(400, 'request.aborted'), [400, 'body', 'The body stopped arriving before it was complete']],
    [fastify(400, 'FST_ERR_BAD_URL'), [400, 'path', 'The path is not valid percent-encoding']],
    [bodyParser(499, 'stream.not.readable'), [499, 'request', 'The request could not be read']],
    [fastify(400, 'FST_ERR_SOMETHING_NEW'), [400, 'request', 'The request could not be read']],
    [
      Object.assign(new URIError('URI malformed'), { status: 400 }),
      [400, 'path', 'The path is not valid percent-encoding'],
    ],
    [
      Object.assign(new Error('aborted'), { code: 'ECONNRESET' }),
      [400, 'body', 'The body stopped arriving before it was complete'],
    ],
  ])('%s → %j', (error, expected) => {
    expect(problem(requestProblemOf(error))).toEqual(expected);
  });

  it('passes one of its own through as it is', () => {
    const own = new UnreadableRequestError(415, 'content-type', 'x');
    expect(requestProblemOf(own)).toBe(own);
  });

  it.each([
    ['a 404 from an upstream client', Object.assign(new Error('not found'), { status: 404 })],
    ['a 5xx a framework exposes', bodyParser(500, 'entity.parse.failed')],
    ['a status below 400', bodyParser(399, 'entity.parse.failed')],
    ['an FST_ error with no numeric status', Object.assign(new Error('x'), { code: 'FST_ERR_X', statusCode: '400' })],
    ['a code that is not a string', Object.assign(new Error('x'), { code: 400, statusCode: 400 })],
    ['an HTTP client’s code, not FST_', Object.assign(new Error('x'), { code: 'ERR_BAD_REQUEST', statusCode: 404 })],
    ['an "aborted" that is not a reset', Object.assign(new Error('aborted'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })],
    ['a URIError with no status', new URIError('URI malformed')],
    ['a reset that is not a hang-up', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['null', null],
    ['a string', 'entity.parse.failed'],
    ['a function with a status', Object.assign(() => {}, { expose: true, status: 400 })],
  ])('is not a request problem: %s', (_what, error) => {
    expect(requestProblemOf(error)).toBeUndefined();
  });
});
