import { type Server, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';

/** A 4xx to send: which part of the request was wrong, and how to fix it. */
export interface ClientErrorAnswer {
  status: number;
  field: string;
  message: string;
}

/** What body-parser, raw-body and the router throw (the http-errors shape): a status, often a type. */
interface HttpLibraryError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  limit?: unknown;
  encoding?: unknown;
  charset?: unknown;
}

/**
 * Every client error body-parser documents, by its `type`, with the field a client has to fix. A Map,
 * not an object literal: a `type` of "constructor" or "toString" must not find Object.prototype's.
 */
const BODY_ERRORS = new Map<unknown, (error: HttpLibraryError) => Omit<ClientErrorAnswer, 'status'>>([
  ['entity.parse.failed', () => ({ field: 'body', message: 'body is not valid JSON' })],
  ['entity.too.large', (e) => ({ field: 'body', message: `body is larger than the limit of ${e.limit} bytes` })],
  [
    'encoding.unsupported',
    (e) => ({
      field: 'content-encoding',
      message: `Content-Encoding "${e.encoding}" is not supported; send gzip, deflate or br, or none`,
    }),
  ],
  [
    'charset.unsupported',
    (e) => ({ field: 'content-type', message: `charset "${e.charset}" is not supported for JSON; send utf-8` }),
  ],
  ['request.size.invalid', () => ({ field: 'content-length', message: 'body length does not match Content-Length' })],
  ['request.aborted', () => ({ field: 'body', message: 'the request ended before its body did' })],
  ['parameters.too.many', () => ({ field: 'body', message: 'body has too many parameters' })],
  ['entity.verify.failed', () => ({ field: 'body', message: 'body failed verification' })],
]);

/**
 * The client's share of library errors: any error carrying a 4xx status is the client's to fix,
 * whether or not it has a `type` (a zlib error from a body that only claims to be gzip has none).
 * 5xx statuses and errors without a status stay server errors.
 */
// #region body-errors
export function describeClientError(error: unknown, contentEncoding?: string): ClientErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as HttpLibraryError;
  const status = Number(e.status ?? e.statusCode);
  if (!Number.isInteger(status) || status < 400 || status > 499) return undefined;
  const known = BODY_ERRORS.get(e.type);
  if (known) return { status, ...known(e) };
  if (contentEncoding && contentEncoding.toLowerCase() !== 'identity') {
    return { status, field: 'content-encoding', message: `body is not valid ${contentEncoding} data` };
  }
  return { status, field: 'request', message: STATUS_CODES[status] ?? 'bad request' };
}
// #endregion body-errors

// #region malformed-requests
/**
 * Requests Node's HTTP parser refuses (two Content-Lengths, one that lies, a header too large)
 * never reach Express; Node answers them with a bare 400. This answers them like the rest of
 * the API: a JSON body naming what to fix.
 */
export function answerMalformedRequests(server: Server): Server {
  return server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // A connection the client reset (ECONNRESET) is destroyed already: nobody is left to answer.
    // Stryker disable next-line ConditionalExpression: end() on a destroyed socket writes nothing either
    if (socket.destroyed) return;
    // Only a connection with nothing written yet can still carry a whole answer.
    const written = socket instanceof Socket ? socket.bytesWritten : 1;
    if (written > 0) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message =
      status === 400 ? 'malformed HTTP request (check Content-Length and Transfer-Encoding)' : STATUS_CODES[status];
    const body = JSON.stringify({ error: message, fields: [{ field: 'request', message }] });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
// #endregion malformed-requests
