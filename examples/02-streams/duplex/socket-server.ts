import { createServer, type Server, type Socket } from 'node:net';
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// #region duplex
/**
 * A TCP socket is the Duplex you meet most: its readable side (what the client sent) and its
 * writable side (what we send back) are independent. One pipeline reads from it, runs the bytes
 * through a fresh `stage`, and writes the result back to it, with backpressure both ways: a client
 * that stops reading stops us reading from it.
 */
export function createSocketServer(
  stage: () => Transform,
  onConnectionError: (error: Error) => void = () => {},
): Server {
  return createServer((socket: Socket) => {
    pipeline(socket, stage(), socket).catch((error: Error) => {
      // A client that resets the connection is routine: pipeline has already destroyed the socket.
      onConnectionError(error);
    });
  });
}
// #endregion duplex

// #region naive-duplex
/** The same service with `.pipe()`: a client resetting its connection is an uncaught 'error'. */
export function naiveSocketServer(stage: () => Transform): Server {
  return createServer((socket: Socket) => {
    socket.pipe(stage()).pipe(socket);
  });
}
// #endregion naive-duplex
