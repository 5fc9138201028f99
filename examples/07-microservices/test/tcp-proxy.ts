import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

const DEFAULT_PORTS: Record<string, number> = { 'amqp:': 5672, 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379 };

/**
 * A TCP hop between a client and a service (the broker, Postgres) that a test controls: it counts
 * the connections clients open, cuts them as a network failure or a restart would, refuses new
 * ones while the service is "down", or holds every byte while it is "paused".
 */
export async function startTcpProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || DEFAULT_PORTS[target.protocol]);
  const sockets = new Set<Socket>();
  let accepted = 0;
  let refusing = false;
  let paused = false;
  const server = createServer((client) => {
    if (refusing) return void client.destroy();
    accepted += 1;
    const upstream = connect(targetPort, target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
    if (paused) for (const socket of [client, upstream]) socket.pause();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: url.toString(),
    /** Connections accepted so far. */
    accepted: () => accepted,
    /** Cuts every open connection, as a network failure would; clients may reconnect at once. */
    dropAll,
    /** Cuts every connection and refuses new ones until `restore()`: the service is down. */
    cut: () => {
      refusing = true;
      dropAll();
    },
    restore: () => {
      refusing = false;
    },
    /** Holds every byte in both directions until `resume()`: the service hangs. */
    pause: () => {
      paused = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      paused = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      dropAll();
      server.close();
      await once(server, 'close');
    },
  };
}
