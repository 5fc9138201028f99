import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

const DEFAULT_PORTS: Record<string, number> = { 'amqp:': 5672, 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379 };

/** A TCP hop between a client and a real service that a test uses to cut, refuse or hold its connections. */
export interface TcpProxy {
  /** The proxy's URL for `serviceUrl` (another database on the same server, say); the target URL by default. */
  url(serviceUrl?: string): string;
  /** Connections that reached the service: how often a client connected or reconnected. */
  accepted(): number;
  /** Connections closed on arrival by `refuse(true)`: a client's attempts while the service was down. */
  refused(): number;
  /** Closes every open connection, both sides at once: a restart of the service or a network failure. */
  cutAll(): void;
  /** While on, a new connection is closed as soon as it arrives: the service is down. */
  refuse(on: boolean): void;
  /** Holds every byte and end, both ways and on new connections too, until `resume()`: a hung service. */
  pause(): void;
  /** Delivers what `pause()` held, in order: the service wakes up. */
  resume(): void;
  /** Holds what clients send (bytes and ends) until `releaseUpstream()`: a goodbye the service has not read yet. */
  holdUpstream(): void;
  /** Delivers what `holdUpstream()` held, in order: the service reads the goodbye at last. */
  releaseUpstream(): void;
  /**
   * Cuts the connection whose client next sends bytes containing `marker`: `before` they reach the
   * service (it sees the client vanish mid-transaction), or `after` (it acts on them; the reply is
   * lost). Resolves once the cut is made.
   */
  cutOnClientBytes(marker: string, when: 'before' | 'after'): Promise<void>;
  /** Cuts every connection and stops listening. */
  close(): Promise<void>;
}

type Chunk = Buffer | 'end';
interface Pair {
  client: Socket;
  upstream: Socket;
  /** What is held on its way to the service, and on its way to the client. */
  up: Chunk[];
  down: Chunk[];
  /** Cut `after`: the client is gone, the service still reads what it was sent, then closes. */
  draining: boolean;
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || DEFAULT_PORTS[target.protocol]);
  if (!targetPort) throw new Error(`no port in ${target.protocol}// URL and no default for the scheme`);
  const pairs = new Set<Pair>();
  const traps: { marker: string; when: 'before' | 'after'; done: () => void }[] = [];
  let accepted = 0;
  let refused = 0;
  let refusing = false;
  let paused = false;
  let holdingUp = false;

  const drop = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    if (!pair.draining) pair.upstream.destroy();
  };
  // Ends wait in the same queue as bytes: one sent ahead of held bytes would close the stream before them.
  const send = (to: Socket, queue: Chunk[], held: boolean, data: Chunk) => {
    if (held) queue.push(data);
    else if (data === 'end') to.end();
    else to.write(data);
  };
  const toService = (pair: Pair, data: Chunk) => send(pair.upstream, pair.up, paused || holdingUp, data);
  const toClient = (pair: Pair, data: Chunk) => send(pair.client, pair.down, paused, data);
  const flush = () => {
    for (const pair of pairs) {
      if (!paused && !holdingUp) for (const data of pair.up.splice(0)) toService(pair, data);
      if (!paused) for (const data of pair.down.splice(0)) toClient(pair, data);
    }
  };
  const fromClient = (pair: Pair, chunk: Buffer) => {
    const trap = traps.find((t) => chunk.includes(t.marker));
    if (!trap) return toService(pair, chunk);
    traps.splice(traps.indexOf(trap), 1);
    if (trap.when === 'after') {
      // Write, then end: the service reads the bytes before it sees the end, so it acts on them.
      pair.draining = true;
      pair.upstream.removeAllListeners('data');
      pair.upstream.end(chunk);
    }
    drop(pair);
    trap.done();
  };

  // Half-open allowed, so that a client's end is a message the proxy can hold like any byte.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    if (refusing) {
      refused++;
      client.destroy();
      return;
    }
    accepted++;
    const upstream = connect({ host: target.hostname, port: targetPort, allowHalfOpen: true });
    const pair: Pair = { client, upstream, up: [], down: [], draining: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => fromClient(pair, chunk));
    client.on('end', () => toService(pair, 'end'));
    upstream.on('data', (chunk: Buffer) => toClient(pair, chunk));
    upstream.on('end', () => toClient(pair, 'end'));
    for (const socket of [client, upstream]) {
      socket.on('error', () => drop(pair));
      socket.on('close', () => drop(pair));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const cutAll = () => {
    for (const pair of pairs) drop(pair);
  };

  return {
    url(serviceUrl = targetUrl) {
      const url = new URL(serviceUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    accepted: () => accepted,
    refused: () => refused,
    cutAll,
    refuse: (on) => {
      refusing = on;
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      flush();
    },
    holdUpstream: () => {
      holdingUp = true;
    },
    releaseUpstream: () => {
      holdingUp = false;
      flush();
    },
    cutOnClientBytes: (marker, when) => new Promise((done) => traps.push({ marker, when, done })),
    close: async () => {
      cutAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
