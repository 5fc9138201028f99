import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  /** Sent exactly as given, in order: duplicates and malformed values included. */
  headers: readonly (readonly [string, string])[];
  body: Buffer;
  /**
   * Hang up the sending side after the bytes: a client that stops mid-body. Only for that case:
   * Node's server answers a half-closed connection's pending request with nothing at all.
   */
  hangUp?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes one HTTP/1.1 request byte for byte (no client library fixes up a wrong Content-Length or
 * drops a duplicate header) and parses the first response once the server closes the connection.
 */
export function sendRaw(url: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    'connection: close',
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => {
      const bytes = Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), request.body]);
      if (request.hangUp) socket.end(bytes);
      else socket.write(bytes);
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no response within ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The status, headers (lower-cased names) and body of one raw HTTP/1.1 response. */
export function parseResponse(raw: Buffer): RawResponse {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no HTTP response, got ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const rest = raw.subarray(Buffer.byteLength(text.slice(0, end + 4)));
  return { status, headers, body: (Number.isNaN(length) ? rest : rest.subarray(0, length)).toString('utf8') };
}
