import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAtOnce, drainConnections, IDLE_GRACE_MS, trackConnections } from './connections.js';
import { RawClient } from './test/raw-client.js';

const servers: Server[] = [];
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
/** Whether `client`'s socket is closed within `ms`. */
const closedWithin = (client: RawClient, ms: number) =>
  Promise.race([client.closed.then(() => true), sleep(ms).then(() => false)]);
const clients: RawClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A real server on a free port, `/slow?ms=N` answering after N ms, anything else at once. */
async function serve(handler?: RequestListener) {
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

describe('trackConnections', () => {
  it('counts a response in flight until it has finished', async () => {
    const { connections, client } = await serve();
    const reply = client().get('/slow?ms=200');
    await waitUntil(() => connections.inFlight.size === 1, 'the request to arrive');
    await reply;
    await waitUntil(() => connections.inFlight.size === 0, 'the response to be forgotten');
  });

  it('marks Connection: close on responses in flight, arriving later, and answered synchronously', async () => {
    const { connections, client } = await serve((req, res) => {
      if (req.url === '/now') res.end('now');
      else setTimeout(() => res.end('ok'), 150);
    });
    const before = await client().get('/now');
    expect(before.headers.connection).toBe('keep-alive');
    const inFlight = client().get('/slow');
    await waitUntil(() => connections.inFlight.size === 1, 'the request to arrive');
    connections.closeAfterResponse();
    expect((await inFlight).headers.connection).toBe('close');
    // The handler answers in the same tick the request arrives: the header must already be set.
    expect((await client().get('/now')).headers.connection).toBe('close');
  });

  it('leaves a response whose headers are already sent to finish', async () => {
    const { connections, client } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '4' });
      res.write('he');
      setTimeout(() => res.end('ll'), 150);
    });
    const reply = client().get('/');
    await waitUntil(() => connections.inFlight.size === 1, 'the request to arrive');
    await sleep(20);
    expect(() => connections.closeAfterResponse()).not.toThrow();
    expect(await reply).toMatchObject({ status: 200, body: 'hell' });
  });

  it('closeIdle keeps a socket reusable within the grace, closes it after, and never a busy one', async () => {
    const grace = 300;
    const { connections, client } = await serve();
    const idle = client();
    const busy = client();
    const silent = client(); // connected, never sends a request
    await idle.get('/');
    const longRequest = busy.get(`/slow?ms=${grace * 3}`);
    await waitUntil(() => connections.inFlight.size === 1, 'the long request to arrive');
    connections.closeIdle(grace);
    await sleep(grace / 3);
    expect((await idle.get('/')).status).toBe(200);
    // Soon after the grace, not at some later sweep.
    expect(await Promise.all([closedWithin(idle, grace * 1.5), closedWithin(silent, grace)])).toEqual([true, true]);
    expect(busy.isClosed).toBe(false);
    expect((await longRequest).status).toBe(200);
    // Idle once its answer is out, it too is closed after the grace.
    await busy.closed;
  });

  it('closeIdle leaves a socket busy while a pipelined request behind a finished one is in flight', async () => {
    const grace = 200;
    const { connections, client } = await serve();
    const pipelining = client();
    pipelining.send('/slow?ms=10');
    pipelining.send(`/slow?ms=${grace * 4}`);
    expect((await pipelining.next()).status).toBe(200);
    connections.closeIdle(grace);
    expect((await pipelining.next()).status).toBe(200);
  });
});

describe('drainConnections', () => {
  it('serves new connections during the delay, then refuses; resolves after the last response', async () => {
    const { server, connections, client, port } = await serve();
    const keptAlive = client();
    await keptAlive.get('/');
    const long = keptAlive.get(`/slow?ms=${IDLE_GRACE_MS * 2}`);
    await waitUntil(() => connections.inFlight.size === 1, 'the long request to arrive');
    let stopped = false;
    let drained = false;
    const drain = drainConnections(server, connections, 200, () => {
      stopped = true;
    }).then(() => {
      drained = true;
    });
    const during = await client().get('/');
    expect({ status: during.status, connection: during.headers.connection, stopped }).toEqual({
      status: 200,
      connection: 'close',
      stopped: false,
    });
    await waitUntil(() => stopped, 'it to stop accepting');
    const refused = new RawClient(port);
    clients.push(refused);
    await expect(refused.get('/')).rejects.toThrow();
    // Past IDLE_GRACE_MS the busy socket is still open and the drain still waiting for it.
    await sleep(IDLE_GRACE_MS * 1.2 - 200);
    expect({ drained, busyClosed: keptAlive.isClosed }).toEqual({ drained: false, busyClosed: false });
    expect(await long).toMatchObject({ status: 200, headers: { connection: 'close' } });
    await drain;
    await keptAlive.closed;
    // The idle sweep stops once no socket is left: nothing keeps the process alive after the drain.
    await sleep(IDLE_GRACE_MS / 5);
    expect(timers()).toBe(0);
  });

  it('a keep-alive socket idle at the stop still carries the request its client is sending', async () => {
    const { server, connections, client } = await serve();
    const reused = client();
    await reused.get('/');
    let stopped!: () => void;
    const stop = new Promise<void>((resolve) => {
      stopped = resolve;
    });
    const drain = drainConnections(server, connections, 0, stopped);
    await stop;
    expect(await reused.get('/')).toMatchObject({ status: 200, headers: { connection: 'close' } });
    await drain;
  });

  it('closeAtOnce (the usual way) resets that same idle socket', async () => {
    const { server, connections, client } = await serve();
    const reused = client();
    await reused.get('/');
    let stoppedAt = -1;
    const closed = closeAtOnce(server, connections, 50, () => {
      stoppedAt = performance.now();
    });
    await reused.closed;
    await closed;
    expect(stoppedAt).toBeGreaterThan(0);
  });
});
