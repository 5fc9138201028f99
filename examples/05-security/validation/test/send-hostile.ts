import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { type RawAnswer, sendRaw } from '../../test/raw-http.js';
import type { HeaderVariation, HostileRequest } from './hostile-requests.js';

/** The two ways the property tests send a hostile request: through fetch, or byte for byte. */

export async function send(baseUrl: string, req: HostileRequest): Promise<Response> {
  const headers: Record<string, string> = {};
  if (req.contentType) headers['content-type'] = req.contentType;
  if (req.authorization !== undefined) headers.authorization = req.authorization.trim();
  return fetch(`${baseUrl}${req.path}`, { method: req.method, headers, body: req.body ?? null });
}

const COMPRESS = { none: (b: Buffer) => b, gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };

/** The request written byte for byte, with the body compressed (or not) and framed as `v` says. */
export function sendVaried(baseUrl: string, req: HostileRequest, v: HeaderVariation): Promise<RawAnswer> {
  const headers: [string, string][] = [];
  if (req.authorization !== undefined) headers.push(['Authorization', req.authorization.trim()]);
  const contentType = v.headerContentType ?? req.contentType;
  if (contentType !== undefined) headers.push(['Content-Type', contentType]);
  if (v.claimedEncoding !== null) headers.push(['Content-Encoding', v.claimedEncoding]);
  const claimed = v.claimedEncoding?.toLowerCase() ?? 'none';
  const real = v.realEncoding === 'as claimed' ? (Object.hasOwn(COMPRESS, claimed) ? claimed : 'none') : v.realEncoding;
  let bytes = COMPRESS[real as keyof typeof COMPRESS](Buffer.from(req.body ?? ''));
  const length = bytes.length;
  const framingHeaders: Record<typeof v.framing, [string, string][]> = {
    exact: [['Content-Length', String(length)]],
    chunked: [['Transfer-Encoding', 'chunked']],
    shorter: [['Content-Length', String(Math.floor(length / 2))]],
    longer: [['Content-Length', String(length + 10)]],
    'not-a-number': [['Content-Length', 'ten']],
    negative: [['Content-Length', '-1']],
    twice: [
      ['Content-Length', String(length)],
      ['Content-Length', String(length + 1)],
    ],
    both: [
      ['Content-Length', String(length)],
      ['Transfer-Encoding', 'chunked'],
    ],
  };
  headers.push(...framingHeaders[v.framing]);
  if (v.framing === 'chunked' || v.framing === 'both') {
    bytes = Buffer.concat([Buffer.from(`${length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]);
  }
  // A client that declared more than it sent can only give up; the server must still answer.
  return sendRaw(baseUrl, {
    method: req.method,
    path: req.path,
    headers,
    body: bytes,
    endAfterWriting: v.framing === 'longer',
  });
}
