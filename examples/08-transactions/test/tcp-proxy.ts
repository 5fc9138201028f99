import { once } from 'node:events';
import net from 'node:net';

/** A TCP proxy between a client and a real service, which a test uses to cut, refuse or hold the connection. */
export interface TcpProxy {
  /** `serviceUrl` with its host and port replaced by the proxy's. */
  url(serviceUrl: string): string;
  /** Connections accepted so far, refused ones included. */
  readonly accepted: number;
  /** Closes every open connection, both sides at once: what a restart of the service does to its clients. */
  cutAll(): void;
  /** While on, a new connection is closed as soon as it arrives: the service is down. */
  refuse(on: boolean): void;
  /**
   * Cuts the connection whose client next sends bytes containing `marker`: `before` they reach the
   * service (it sees the client vanish mid-transaction), or `after` (it acts on them; the reply is
   * lost). Resolves once the cut is made.
   */
  cutOnClientBytes(marker: string, when: 'before' | 'after'): Promise<void>;
  /** Holds every byte (and the end) the clients send from now on, until `releaseUpstream()`. */
  holdUpstream(): void;
  releaseUpstream(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  held: (Buffer | 'end')[];
  /** Cut `after`: the client is gone, the service still reads what it was sent, then closes. */
  draining: boolean;
}

export async function startTcpProxy(serviceUrl: string): Promise<TcpProxy> {
  const target = new URL(serviceUrl);
  const pairs = new Set<Pair>();
  const traps: { marker: string; when: 'before' | 'after'; done: () => void }[] = [];
  let accepted = 0;
  let refusing = false;
  let holding = false;

  const drop = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    if (!pair.draining) pair.upstream.destroy();
  };
  const forward = (pair: Pair, data: Buffer | 'end') => {
    if (holding) pair.held.push(data);
    else if (data === 'end') pair.upstream.end();
    else pair.upstream.write(data);
  };
  const fromClient = (pair: Pair, chunk: Buffer) => {
    const trap = traps.find((t) => chunk.includes(t.marker));
    if (!trap) return forward(pair, chunk);
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

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    accepted++;
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: target.hostname, port: Number(target.port), allowHalfOpen: true });
    const pair: Pair = { client, upstream, held: [], draining: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => fromClient(pair, chunk));
    client.on('end', () => forward(pair, 'end'));
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    upstream.on('end', () => client.end());
    for (const socket of [client, upstream]) {
      socket.on('error', () => drop(pair));
      socket.on('close', () => drop(pair));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;

  return {
    url(serviceUrl) {
      const url = new URL(serviceUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    get accepted() {
      return accepted;
    },
    cutAll: () => {
      for (const pair of pairs) drop(pair);
    },
    refuse: (on) => {
      refusing = on;
    },
    cutOnClientBytes: (marker, when) => new Promise((done) => traps.push({ marker, when, done })),
    holdUpstream: () => {
      holding = true;
    },
    releaseUpstream: () => {
      holding = false;
      for (const pair of pairs) for (const data of pair.held.splice(0)) forward(pair, data);
    },
    close: async () => {
      for (const pair of pairs) drop(pair);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
