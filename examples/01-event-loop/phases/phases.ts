import { once } from 'node:events';
import { stat } from 'node:fs';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/** The loop phases a JavaScript callback can be aimed at, in the order one iteration visits them. */
export type Phase = 'timers' | 'poll' | 'check' | 'close';

export interface PhaseEvent {
  phase: Phase;
  api: string;
}

// #region one-per-phase
/**
 * From inside an I/O callback (the poll phase), aims one callback at each later phase. One iteration
 * runs check, then close callbacks; the next starts with timers and reaches poll again for new I/O.
 * `pending callbacks` (I/O errors libuv deferred) and `idle, prepare` (internal) have no public API.
 */
export async function tourPhases(): Promise<PhaseEvent[]> {
  const socket = await openLoopbackSocket();
  return new Promise((resolve, reject) => {
    const events: PhaseEvent[] = [];
    const record = (phase: Phase, api: string) => {
      events.push({ phase, api });
      if (events.length === 4) resolve(events);
    };
    stat('.', (error) => {
      if (error) return reject(error);
      setTimeout(() => record('timers', 'setTimeout(0)'), 0);
      setImmediate(() => record('check', 'setImmediate'));
      socket.once('close', () => record('close', "socket.on('close')"));
      socket.destroy();
      stat('.', () => record('poll', 'fs.stat callback'));
      // setTimeout(0) means 1 ms: make sure it is due when the next iteration starts, or the
      // stat result could reach the poll phase first.
      spin(2);
    });
  });
}
// #endregion one-per-phase

function spin(ms: number): void {
  const until = performance.now() + ms;
  // Stryker disable next-line EqualityOperator: one more pass of the spin at the deadline is the same wait
  while (performance.now() < until) {}
}

/** A connected TCP socket to a throwaway loopback server (closed as soon as the socket is). */
async function openLoopbackSocket(): Promise<Socket> {
  // Stryker disable next-line ArrowFunction,StringLiteral: only a peer that resets can emit 'error'; the tour never resets
  const server = createServer((peer) => peer.on('error', () => {}).resume());
  // Stryker disable next-line StringLiteral: any interface serves the tour; loopback only keeps others out
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo; // a TCP server's address, once listening
  const socket = connect(port, address);
  await once(socket, 'connect'); // rejects if 'error' comes first
  // Stop accepting now; the open connection closes when the socket is destroyed.
  server.close();
  return socket;
}
