import { connect, type Socket } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One keep-alive TCP connection, written by hand: a test knows which socket each request rides on,
 * and when the server closed it (`closed`), which node:http's Agent hides.
 */
export class RawClient {
  readonly socket: Socket;
  readonly closed: Promise<void>;
  #buffer = '';
  #waiting: (() => void) | undefined;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#waiting?.();
    });
    this.socket.on('error', () => {});
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.once('close', () => this.#waiting?.());
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  /** Sends `GET path` and resolves with the reply; rejects if the server closes the socket first. */
  get(path: string): Promise<RawReply> {
    this.send(path);
    return this.next();
  }

  /** Writes `GET path` without waiting for an answer: several in a row are pipelined. */
  send(path: string): void {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  }

  /** The next reply on the socket, in the order the requests were sent. */
  async next(): Promise<RawReply> {
    for (;;) {
      const reply = this.#take();
      if (reply) return reply;
      if (this.socket.destroyed) throw new Error('socket closed before the reply');
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
    }
  }

  /** Answers with Content-Length only: the handlers in these tests send no chunked bodies. */
  #take(): RawReply | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = this.#buffer.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    if (this.#buffer.length < end + 4 + length) return undefined;
    const body = this.#buffer.slice(end + 4, end + 4 + length);
    this.#buffer = this.#buffer.slice(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}
