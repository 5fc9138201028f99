import { stat } from 'node:fs';
import { connect, createServer } from 'node:net';

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
  while (performance.now() < until) {}
}

/** A connected TCP socket to a throwaway loopback server (closed as soon as the socket is). */
async function openLoopbackSocket() {
  const server = createServer((peer) => peer.on('error', () => {}).resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('loopback server has no port');
  const socket = connect(address.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  // Stop accepting now; the open connection closes when the socket is destroyed.
  server.close();
  server.unref();
  return socket;
}
