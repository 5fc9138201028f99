import { createServer, type Server, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { uppercase } from './transform.js';

// #region duplex
/**
 * A TCP socket is the Duplex you meet most: its readable side (what the client sent) and its
 * writable side (what we send back) are independent. One pipeline reads from it and writes to
 * it, with backpressure both ways: a client that stops reading stops us reading from it.
 */
export function createShoutServer(onConnectionError: (error: Error) => void = () => {}): Server {
  return createServer((socket: Socket) => {
    pipeline(socket, uppercase(), socket).catch((error: Error) => {
      // A client that resets the connection is routine: pipeline has already destroyed the socket.
      onConnectionError(error);
    });
  });
}
// #endregion duplex

// #region naive-duplex
/** The same service with `.pipe()`: a client resetting its connection is an uncaught 'error'. */
export function naiveShoutServer(): Server {
  return createServer((socket: Socket) => {
    socket.pipe(uppercase()).pipe(socket);
  });
}
// #endregion naive-duplex
