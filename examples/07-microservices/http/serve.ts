import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Listens on loopback unless told otherwise (port 0 picks a free one); `server` is for a graceful drain; `close` ends keep-alive sockets so it does not wait on them. */
export function serve(
  app: Express,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close, server });
    });
  });
}
