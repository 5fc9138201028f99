// A closed-loop HTTP/1.1 load generator on raw sockets. node:http's client costs about as much per
// request as the server it loads, so on a shared core it, not the server, would set the pace; this
// one writes a prepared request and only finds where each response ends.
import { connect, type Socket } from 'node:net';

export interface Load {
  requestsPerSecond: number;
  /** Responses whose status was not 200: a bench with any of these measured the wrong thing. */
  failures: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Bytes of complete responses at the start of `buffer`, and how many of them were 200s. */
export function completeResponses(buffer: Buffer): { consumed: number; ok: number; failed: number } {
  let consumed = 0;
  let ok = 0;
  let failed = 0;
  for (;;) {
    const headerEnd = buffer.indexOf(HEADER_END, consumed);
    if (headerEnd === -1) break;
    const head = buffer.toString('latin1', consumed, headerEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
    if (!Number.isSafeInteger(length)) throw new Error(`a response without content-length: ${head.slice(0, 200)}`);
    const end = headerEnd + HEADER_END.length + length;
    if (end > buffer.length) break;
    if (head.startsWith('HTTP/1.1 200 ')) ok++;
    else failed++;
    consumed = end;
  }
  return { consumed, ok, failed };
}

/** `connections` keep-alive sockets, each sending its next request when the last is answered. */
export async function load(
  url: string,
  {
    seconds,
    connections = 16,
    headers = {},
  }: { seconds: number; connections?: number; headers?: Record<string, string> },
): Promise<Load> {
  const { hostname, port, pathname } = new URL(url);
  const lines = Object.entries({ host: `${hostname}:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
  const request = Buffer.from(`GET ${pathname} HTTP/1.1\r\n${lines.join('')}\r\n`);
  let ok = 0;
  let failures = 0;
  let stopping = false;
  const sockets: Socket[] = [];
  const finished = Array.from(
    { length: connections },
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.write(request));
        socket.setNoDelay(true);
        sockets.push(socket);
        let pending: Buffer = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => {
          pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
          const done = completeResponses(pending);
          pending = pending.subarray(done.consumed);
          ok += done.ok;
          failures += done.failed;
          if (done.ok + done.failed === 0) return;
          if (stopping) socket.end();
          else socket.write(request);
        });
        socket.on('close', () => resolve());
        socket.on('error', reject);
      }),
  );
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const counted = ok;
  const elapsed = (performance.now() - started) / 1000;
  stopping = true;
  await Promise.all(finished);
  return { requestsPerSecond: counted / elapsed, failures };
}
