import { setTimeout as sleep } from 'node:timers/promises';
import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { closeAtOnce, drainConnections, IDLE_GRACE_MS } from './connections.js';
import { serve, timers } from './test/served.js';

describe('drainConnections', () => {
  it('serves new connections during the delay, then refuses; resolves after the last response', async () => {
    const { server, connections, client } = await serve();
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
    const refused = client(); // a new connection, once it stopped accepting
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
