import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { closedWithin, serve } from './test/served.js';

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
