import { describe, expect, it } from 'vitest';
import { describeClientError } from './client-errors.js';

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
