import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface RawReply {
  /** The status code of the first response, or 0 if the server closed without answering. */
  status: number;
  /** The first response's body parsed as JSON, when it is JSON. */
  json: Record<string, unknown> | undefined;
  /** Everything the server sent. */
  text: string;
  /** The server ended its side in order (FIN) rather than only resetting the connection. */
  ended: boolean;
}

/**
 * Opens a TCP connection for bytes no well-behaved HTTP client would send. With `ignoreEnd`, it keeps
 * its side open (and sending, if the test does) after the server has ended its own.
 */
export async function openRaw(port: number, { ignoreEnd = false } = {}): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: ignoreEnd });
  // The server may close while we still send (that is the point of several tests): EPIPE/ECONNRESET.
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Reads until the server closes the connection (every refusal here ends with Connection: close). */
export async function replyOf(socket: Socket): Promise<RawReply> {
  const chunks: Buffer[] = [];
  let ended = false;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.once('end', () => {
    ended = true;
  });
  // Not events.once: it rejects on 'error', and a reset after the answer (the server closing while we
  // still send) is expected here; what arrived before it is the answer.
  await new Promise((resolve) => socket.once('close', resolve));
  const text = Buffer.concat(chunks).toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.split('\r\n\r\n')[1] ?? '';
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status, json, text, ended };
}

/** A request head: the request line and the headers given, nothing added. */
export function head(headers: Record<string, string>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return ['POST /files HTTP/1.1', 'Host: 127.0.0.1', ...lines, '', ''].join('\r\n');
}

/** A one-file multipart body with `boundary`. */
export function multipartBody(boundary: string, content: Buffer, partHeaders = ''): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.bin"\r\n${partHeaders}` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}
