import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  /** Sent exactly as given, in order; a value may repeat a header (`['content-length', '7'], ['content-length', '8']`). */
  headers: readonly (readonly [string, string])[];
  body?: Buffer | string;
  /** Half-close after writing, as a client that sent a short body and gave up would. */
  endAfterWriting?: boolean;
}

export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request written byte for byte over a socket, so a test can send what fetch refuses
 * to: a Content-Length that lies, two of them, a Content-Encoding the body does not have.
 * Reads the first answer on the connection (`Connection: close`), or status 0 if there was none.
 */
export function sendRaw(url: string, request: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection it refused; what it wrote before still counts.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      reject(error);
    });
    socket.on('close', () => resolve(parseFirstAnswer(Buffer.concat(chunks))));
    socket.write(head);
    if (request.body !== undefined) socket.write(request.body);
    if (request.endAfterWriting) socket.end();
  });
}

function parseFirstAnswer(bytes: Buffer): RawAnswer {
  const text = bytes.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) return { status: 0, headers: {}, body: '' };
  const [statusLine = '', ...headerLines] = text.slice(0, headEnd).split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).trim().toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  const length = Number(headers['content-length'] ?? Number.NaN);
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, headEnd + 4), 'latin1'));
  const body = (Number.isInteger(length) ? rest.subarray(0, length) : rest).toString('utf8');
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body };
}
