import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach } from 'vitest';
import { trackConnections } from '../connections.js';
import { RawClient } from './raw-client.js';

const servers: Server[] = [];
/** The timers this process has running: the sweep must not leave one behind. */
export const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
/** Whether `client`'s socket is closed within `ms`. */
export const closedWithin = (client: RawClient, ms: number) =>
  Promise.race([client.closed.then(() => true), sleep(ms).then(() => false)]);
const clients: RawClient[] = [];
// Registered by each test file that imports this module.
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A real server on a free port, `/slow?ms=N` answering after N ms, anything else at once. */
export async function serve(handler?: RequestListener) {
  const server = createServer(
    handler ??
      ((req, res) => {
        const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms') ?? 0);
        setTimeout(() => res.end('ok'), ms);
      }),
  );
  servers.push(server);
  const connections = trackConnections(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = () => {
    const c = new RawClient(port);
    clients.push(c);
    return c;
  };
  return { server, connections, client, port };
}
