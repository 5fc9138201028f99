import type { IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { Agent, type Dispatcher, errors, request } from 'undici';
import type { Logger } from '../correlation/logger.js';

/** Request headers a client may send on to a service; everything else stops at the gateway. */
const FORWARDED = ['accept', 'content-type', 'content-length', 'content-encoding', 'idempotency-key'];
/** Response headers a service may send back; hop-by-hop and internal ones never leave. */
const RETURNED = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'location',
  'retry-after',
  'idempotent-replayed',
];

export interface ProxyTarget {
  /** The service's name, for errors a client and an operator can act on. */
  service: string;
  url: URL;
  /** Set by the gateway (correlation id, the authenticated client); a client cannot forge them. */
  headers: Record<string, string>;
}

/** One undici Agent per gateway: pooled keep-alive connections, and the timeouts that become 504. */
export function createProxyAgent(timeoutMs: number): Agent {
  return new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } });
}

/** Names a request's `Connection` header lists are hop-by-hop too (RFC 9110 §7.6.1): never forwarded. */
function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  return new Set((headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase()));
}

/**
 * Streams the request body to the service and the service's answer back, chunk by chunk: nothing
 * is buffered, so a large body costs the gateway a few chunks of memory, and the client sees the
 * first bytes while the service is still writing. The status and content type are the service's.
 */
export async function proxy(req: Request, res: Response, target: ProxyTarget, agent: Agent, log: Logger) {
  const listed = connectionListed(req.headers);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = req.headers[name];
    if (typeof value === 'string' && !listed.has(name)) headers[name] = value;
  }
  Object.assign(headers, target.headers);
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  // #region proxy-stream
  const aborted = new AbortController();
  res.once('close', () => aborted.abort()); // the client left: stop the upstream work too
  let upstream: Awaited<ReturnType<typeof request>>;
  try {
    upstream = await request(target.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: hasBody ? req : null,
      dispatcher: agent,
      signal: aborted.signal,
    });
  } catch (error) {
    return void answerUpstreamFailure(res, target, error, log);
  }
  res.status(upstream.statusCode);
  for (const name of RETURNED) {
    const value = upstream.headers[name];
    if (value !== undefined) res.setHeader(name, value);
  }
  await pipeline(upstream.body, res).catch((error: Error) => {
    // Headers are gone already: all that is left is to cut the client off, so it sees a truncated body.
    log.warn('upstream body failed', { service: target.service, error: error.message });
    res.destroy(error);
  });
  // #endregion proxy-stream
}

// #region upstream-failure
/** Slow → 504; refused, reset or unresolvable → 502; each naming the service that failed. */
function answerUpstreamFailure(res: Response, { service, url }: ProxyTarget, error: unknown, log: Logger) {
  if (res.headersSent || res.destroyed) return;
  const timedOut =
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.ConnectTimeoutError ||
    error instanceof errors.BodyTimeoutError;
  const message = error instanceof Error ? error.message : String(error);
  log.warn('upstream failed', { service, to: url.origin, error: message });
  res
    .status(timedOut ? 504 : 502)
    .json({ error: timedOut ? `${service} did not answer in time` : `${service} is unreachable`, service });
}
// #endregion upstream-failure
