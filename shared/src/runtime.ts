import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `COOKBOOK_SMOKE=1`: demos run their shortest path and exit; servers answer one request and stop. */
export function isSmoke(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.COOKBOOK_SMOKE === '1' || env.COOKBOOK_SMOKE === 'true';
}

/** A port from `PORT`, or `fallback`; a malformed value is an error that names the variable. */
export function portFromEnv(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/** A mistake in how a demo was asked for (a bad option): printed as its message alone, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A port someone else holds: one line that names the way out, not a stack trace. */
export class PortInUseError extends Error {
  readonly port: number;

  constructor(port: number) {
    super(
      `Port ${port} is already in use. Stop what holds it, or pick another: PORT=${port + 1} (or PORT=0 for any free port).`,
    );
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/** Listens and resolves with the URL the server answers on (port 0 picks a free port). */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port) : error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const { port: actual } = server.address() as AddressInfo;
      resolve(`http://${host}:${actual}`);
    });
  });
}

/** Closes the server, ending idle keep-alive sockets so close() does not wait for them. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** A visible heading in demo output. */
export function heading(title: string): void {
  console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);
}

/**
 * Serves `handler` (an Express app, a request listener, or a server) on a free loopback port for
 * the length of `work`, then closes every connection. For demos and benches that need a live URL.
 */
export async function withServer<T>(handler: RequestListener | Server, work: (url: string) => Promise<T>): Promise<T> {
  const server = typeof handler === 'function' ? createServer(handler) : handler;
  const url = await listen(server, 0);
  try {
    return await work(url);
  } finally {
    server.closeAllConnections();
    await closeServer(server);
  }
}
