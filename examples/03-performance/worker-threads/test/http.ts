import { createServer, type RequestListener, type Server } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';

/** A TypeScript loader for threads and processes the test starts (the source is not compiled). */
export const TSX = ['--import', 'tsx'];

/** Serves `handler` on a free port for one test; `close()` ends it. */
export async function serve(
  handler: RequestListener,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  const url = await listen(server, 0);
  return { url, server, close: () => closeServer(server) };
}

/** Milliseconds a fetch takes to answer, with its status. */
export async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

export function postJson(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
