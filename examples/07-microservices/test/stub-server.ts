import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';

/** A number answers that status with an empty JSON object. */
export type StubMode = 'up' | 'down' | 'hang' | 'error' | 'missing' | number;

/** What the stub received, for tests of what a client sends. */
export interface StubRequest {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A user-service stand-in whose behaviour a test switches: answers, resets the connection, never
 * answers, answers 503, or answers 404 (healthy, but no such user). Counts the requests that reached
 * it, records them, and tracks the ones still open.
 */
export async function startStubUserService() {
  let mode: StubMode = 'up';
  let hits = 0;
  const received: StubRequest[] = [];
  const open = new Set<IncomingMessage>();
  const closedListeners = new Set<() => void>();
  const answer = (res: ServerResponse, status: number) =>
    void res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    hits += 1;
    if (mode === 'down') return void req.socket.destroy();
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method ?? '', headers: req.headers, body });
    if (typeof mode === 'number') return answer(res, mode);
    if (mode === 'error') return answer(res, 503);
    if (mode === 'missing') return answer(res, 404);
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
  // A client that gives up mid-body makes the read throw: that request is simply over.
  const server = createServer((req, res) => void handler(req, res).catch(() => res.destroy()));
  const url = await listen(server, 0);
  return {
    url,
    setMode: (next: StubMode) => {
      mode = next;
    },
    hits: () => hits,
    requests: (): readonly StubRequest[] => received,
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
