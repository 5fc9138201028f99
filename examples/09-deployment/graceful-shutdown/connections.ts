import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A socket idle this long at shutdown is not about to carry a request: a client that connects sends at once. */
export const IDLE_GRACE_MS = 1_000;

/** What the server's sockets are doing, so a shutdown can close each one when it is safe to. */
export interface Connections {
  /** Responses started and not yet finished. */
  readonly inFlight: ReadonlySet<ServerResponse>;
  /** From now on every response, including those in flight, carries `Connection: close`. */
  closeAfterResponse(): void;
  /** Destroys each socket once it has been idle for `graceMs`, until none is left. */
  closeIdle(graceMs: number): void;
}

export function trackConnections(server: Server): Connections {
  const inFlight = new Set<ServerResponse>();
  // When each socket last went idle; undefined while it carries a request.
  const idleSince = new Map<Socket, number | undefined>();
  // Responses in flight per socket: a pipelining client has a second request waiting behind the
  // first, and the socket is busy until the last one has been answered.
  const busy = new WeakMap<Socket, number>();
  let closing = false;
  server.on('connection', (socket: Socket) => {
    idleSince.set(socket, performance.now());
    socket.once('close', () => idleSince.delete(socket));
  });
  // Prepended, so the header is set before any handler can answer.
  server.prependListener('request', (req, res: ServerResponse) => {
    const { socket } = req;
    inFlight.add(res);
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    idleSince.set(socket, undefined);
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      const left = (busy.get(socket) ?? 0) - 1;
      busy.set(socket, left);
      if (left === 0 && idleSince.has(socket)) idleSince.set(socket, performance.now());
    });
  });
  return {
    inFlight,
    closeAfterResponse() {
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    },
    closeIdle(graceMs) {
      const sweep = setInterval(
        () => {
          for (const [socket, since] of idleSince) {
            // Stryker disable next-line EqualityOperator: >= or >, on a clock in fractions of a millisecond
            if (since !== undefined && performance.now() - since >= graceMs) socket.destroy();
          }
          if (idleSince.size === 0) clearInterval(sweep);
        },
        // Stryker disable next-line MethodExpression: how often it looks changes the CPU spent, not when a socket goes
        Math.max(10, graceMs / 10),
      );
    },
  };
}

// #region drain-connections
/**
 * From the signal on, every response says `Connection: close`, so each keep-alive client retires
 * its socket after its next answer, while the server still accepts its reconnect. After
 * `drainDelayMs` it stops listening but leaves open sockets be: in-flight requests finish, a
 * socket idle for IDLE_GRACE_MS is closed (nobody is about to use it). Resolves once all are closed.
 */
export async function drainConnections(
  server: Server,
  connections: Connections,
  drainDelayMs: number,
  stoppedAccepting: () => void = () => {},
): Promise<void> {
  connections.closeAfterResponse();
  await sleep(drainDelayMs);
  // http's server.close() would also destroy every idle keep-alive socket at once, including one a
  // client is writing its next request to; the net close only stops accepting.
  const closed = new Promise((resolve) => NetServer.prototype.close.call(server, resolve));
  stoppedAccepting();
  connections.closeIdle(IDLE_GRACE_MS);
  await closed;
}
// #endregion drain-connections

// #region close-at-once
/** The usual way: wait, then server.close(), which destroys every idle keep-alive socket right away. */
export async function closeAtOnce(
  server: Server,
  connections: Connections,
  drainDelayMs: number,
  stoppedAccepting: () => void = () => {},
): Promise<void> {
  await sleep(drainDelayMs);
  const closed = new Promise((resolve) => server.close(resolve));
  stoppedAccepting();
  connections.closeAfterResponse();
  await closed;
}
// #endregion close-at-once
