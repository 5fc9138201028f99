import { randomUUID } from 'node:crypto';
import { type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** A request the edge cannot read: its status, the part of the request at fault, and why. */
export class UnreadableRequestError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableRequestError';
  }
}

// #region readable-body
/**
 * One rule for both frameworks, checked before any parser runs: a body is uncompressed UTF-8
 * JSON. (Left alone, body-parser inflates gzip and refuses latin1 with a 500, while Fastify reads
 * either as if it were plain UTF-8.)
 */
export function assertReadableBody(headers: IncomingHttpHeaders): void {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    throw new UnreadableRequestError(
      415,
      'content-encoding',
      'Send the body uncompressed (Content-Encoding: identity)',
    );
  const hasBody = headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
  if (!hasBody) return;
  // Stryker disable next-line StringLiteral: with no content-type, any stand-in is refused as '' is
  const [type, ...params] = (headers['content-type'] ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json')
    throw new UnreadableRequestError(415, 'content-type', 'Send the body as Content-Type: application/json');
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length);
  if (charset !== undefined && !['utf-8', 'utf8', '"utf-8"'].includes(charset))
    throw new UnreadableRequestError(415, 'content-type', 'Send the body in UTF-8 (charset=utf-8)');
}
// #endregion readable-body

type Problem = [status: number, field: string, message: string];

const PATH_PROBLEM: Problem = [400, 'path', 'The path is not valid percent-encoding'];
const ABORTED: Problem = [400, 'body', 'The body stopped arriving before it was complete'];

/** body-parser's error `type`s (Express) and Fastify's codes, in words a client can act on. */
const FRAMEWORK_PROBLEMS: Record<string, Problem> = {
  'entity.parse.failed': [400, 'body', 'The body is not valid JSON'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'body', 'The body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'body', 'The body is empty; send a JSON object'],
  'entity.too.large': [413, 'body', 'The body is larger than 100 kB'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body', 'The body is larger than 100 kB'],
  'request.size.invalid': [400, 'content-length', 'The body does not match its Content-Length'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'content-length', 'The body does not match its Content-Length'],
  'encoding.unsupported': [415, 'content-encoding', 'Send the body uncompressed (Content-Encoding: identity)'],
  'charset.unsupported': [415, 'content-type', 'Send the body in UTF-8 (charset=utf-8)'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'content-type', 'Send the body as Content-Type: application/json'],
  'request.aborted': ABORTED,
  FST_ERR_BAD_URL: PATH_PROBLEM,
};

/**
 * The request errors the frameworks raise, as problems naming their field. Only theirs count:
 * body-parser marks its own `expose: true`, Fastify gives them an `FST_` code, and Express's router
 * throws a URIError for a path it cannot decode. An upstream client's error that happens to carry
 * `status: 404` is still our bug, not the caller's.
 */
export function requestProblemOf(error: unknown): UnreadableRequestError | undefined {
  if (error instanceof UnreadableRequestError) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode, expose, code, type } = error as Record<string, unknown>;
  if (error instanceof URIError && status === 400) return new UnreadableRequestError(...PATH_PROBLEM);
  // Node's "the client hung up mid-body", which Fastify passes on as it is: the caller's doing, not ours.
  if (code === 'ECONNRESET' && (error as Error).message === 'aborted') return new UnreadableRequestError(...ABORTED);
  const framework =
    expose === true ? status : typeof code === 'string' && code.startsWith('FST_') ? statusCode : undefined;
  if (typeof framework !== 'number' || framework < 400 || framework >= 500) return undefined;
  const known = FRAMEWORK_PROBLEMS[String(type)] ?? FRAMEWORK_PROBLEMS[String(code)];
  return new UnreadableRequestError(...(known ?? [framework, 'request', 'The request could not be read']));
}

/** Node's HTTP parser rejects these before any framework sees the request. */
const PARSER_PROBLEMS: Record<string, Problem> = {
  HPE_INVALID_CONTENT_LENGTH: [400, 'content-length', 'Content-Length must be one non-negative integer'],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'content-length', 'Send one Content-Length (or Transfer-Encoding), once'],
  HPE_INVALID_EOF_STATE: [400, 'content-length', 'The body ended before Content-Length bytes arrived'],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'transfer-encoding', 'Transfer-Encoding must be chunked, and alone'],
  HPE_HEADER_OVERFLOW: [431, 'headers', 'The request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request', 'The request took too long to arrive'],
};

// #region client-error
/**
 * For the server's `clientError` event (Fastify: `clientErrorHandler`): a request Node's parser
 * refuses still gets the JSON error shape naming its problem, not a bare "400 Bad Request".
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  // Stryker disable next-line StringLiteral: any stand-in for "no code" is a key the table lacks, as '' is
  const [status, field, message] = PARSER_PROBLEMS[error.code ?? ''] ?? [
    400,
    'request',
    'The request is not valid HTTP',
  ];
  const body = JSON.stringify({
    error: { code: 'BAD_REQUEST', message, requestId: randomUUID(), details: [{ field, message }] },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
// #endregion client-error
