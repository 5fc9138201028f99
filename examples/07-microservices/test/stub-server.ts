import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';

export type StubMode = 'up' | 'down' | 'hang' | 'error' | 'missing';

/**
 * A user-service stand-in whose behaviour a test switches: answers, resets the connection, never
 * answers, answers 503, or answers 404 (healthy, but no such user). Counts the requests that reached it and tracks the ones still open.
 */
export async function startStubUserService() {
  let mode: StubMode = 'up';
  let hits = 0;
  const open = new Set<IncomingMessage>();
  const closedListeners = new Set<() => void>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    hits += 1;
    if (mode === 'down') return void req.socket.destroy();
    if (mode === 'error') return void res.writeHead(503, { 'content-type': 'application/json' }).end('{}');
    if (mode === 'missing') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    if (mode === 'hang') {
      open.add(req);
      res.on('close', () => {
        open.delete(req);
        for (const listener of closedListeners) listener();
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 1, email: 'a@example.com' }));
  };
  const server = createServer(handler);
  const url = await listen(server, 0);
  return {
    url,
    setMode: (next: StubMode) => {
      mode = next;
    },
    hits: () => hits,
    openRequests: () => open.size,
    /** Resolves once fewer than `count` hung requests remain open (a client gave up on one). */
    untilOpenBelow: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (open.size < count) {
            closedListeners.delete(check);
            resolve();
          }
        };
        closedListeners.add(check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}
