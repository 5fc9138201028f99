import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { get } from '../test/http.js';
import { type Closer, gracefulShutdown, naiveShutdown, onSignals, type ShutdownOptions } from './shutdown.js';

const database = useTestDatabase('deployment_shutdown_steps');
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

type Line = [level: string, message: string, fields?: object];

/** A server whose `/query` holds a Postgres connection for 300 ms, the pool its closers end, and what shutdown did. */
async function setUp(
  overrides: Partial<ShutdownOptions> = {},
  handler?: RequestListener,
  shutdownWith: typeof gracefulShutdown = gracefulShutdown,
) {
  const pool = database.pool({ max: 2 });
  const server = createServer(
    handler ??
      ((_req, res) => {
        pool.query<{ ok: number }>('select pg_sleep(0.3), 1 as ok').then(
          ({ rows }) => res.end(String(rows[0]?.ok)),
          (error: Error) => res.writeHead(500).end(error.message),
        );
      }),
  );
  servers.push(server);
  const lines: Line[] = [];
  const log = (level: string) => (message: string, fields?: object) => lines.push([level, message, fields]);
  const steps: string[] = [];
  const exits: number[] = [];
  const closers: Closer[] = [
    { name: 'postgres', close: async () => steps.push(`postgres ended: ${await pool.end()}`) },
  ];
  const options: ShutdownOptions = {
    server,
    markNotReady: () => steps.push(`not ready, ${lines.length} lines logged`),
    closers,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    drainDelayMs: 0,
    timeoutMs: 5_000,
    exit: (code) => {
      exits.push(code);
    },
    ...overrides,
  };
  const shutdown = shutdownWith(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, pool, url, shutdown, lines, steps, exits, closers };
}

describe('gracefulShutdown, in process', () => {
  it('answers the request in flight, then ends the pool, then exits 0, and the deadline never fires', async () => {
    const timeoutMs = 1_500;
    const { url, shutdown, lines, steps, exits, pool } = await setUp({ timeoutMs });
    let answered = false;
    const reply = get(`${url}/query`).then((r) => {
      answered = true;
      return r;
    });
    await waitUntil(() => pool.totalCount === 1, 'the query to hold a connection');
    const done = shutdown('SIGTERM');
    expect(await reply).toMatchObject({ status: 200, body: '1' });
    await done;
    expect(answered).toBe(true);
    expect(steps).toEqual(['not ready, 0 lines logged', 'postgres ended: undefined']);
    expect(lines).toEqual([
      ['info', 'shutdown started', { signal: 'SIGTERM', inFlight: 1 }],
      ['info', 'stopped accepting connections', { inFlight: 1 }],
      ['info', 'http server closed', undefined],
      ['info', 'shutdown complete', undefined],
    ]);
    expect(pool.ended).toBe(true);
    await sleep(timeoutMs);
    expect(exits).toEqual([0]);
  });

  it('a closer that fails is logged and the next one still runs', async () => {
    const failure = new Error('already closed');
    const ran: string[] = [];
    const { shutdown, lines, exits } = await setUp({
      closers: [
        { name: 'redis', close: () => Promise.reject(failure) },
        { name: 'metrics', close: async () => ran.push('metrics') },
      ],
    });
    await shutdown('SIGTERM');
    expect(lines).toContainEqual(['error', 'close failed', { closer: 'redis', err: failure }]);
    expect({ ran, exits }).toEqual({ ran: ['metrics'], exits: [0] });
  });

  it('exits 1 at the deadline while a request hangs, and a second signal exits 1 at once', async () => {
    const { url, server, shutdown, lines, exits, steps } = await setUp({ timeoutMs: 300 }, () => {});
    const reply = get(`${url}/hang`).catch((error: NodeJS.ErrnoException) => error.code);
    await waitUntil(() => lines.length === 0 && server.listening, 'the server to listen');
    await sleep(50);
    void shutdown('SIGTERM');
    await shutdown('SIGINT');
    expect(lines.at(-1)).toEqual(['warn', 'second signal: exiting now', { signal: 'SIGINT', inFlight: 1 }]);
    expect(exits).toEqual([1]);
    await waitUntil(() => exits.length === 2, 'the deadline');
    expect(lines.at(-1)).toEqual(['error', 'shutdown deadline exceeded', { timeoutMs: 300, inFlight: 1 }]);
    expect(steps).toEqual(['not ready, 0 lines logged']);
    server.closeAllConnections();
    expect(await reply).toBe('ECONNRESET');
  });

  it('winds connections down with drainWith when given', async () => {
    const drained: number[] = [];
    const { shutdown, exits } = await setUp({
      drainDelayMs: 7,
      drainWith: async (server, _connections, delay) => {
        drained.push(delay);
        await new Promise((resolve) => server.close(resolve));
      },
    });
    await shutdown('SIGTERM');
    expect({ drained, exits }).toEqual({ drained: [7], exits: [0] });
  });
});

it('onSignals starts the shutdown on SIGTERM and on SIGINT', () => {
  const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  const signals: string[] = [];
  onSignals(async (signal) => void signals.push(signal));
  process.emit('SIGTERM');
  process.emit('SIGINT');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal))
      if (!before[signal].includes(listener)) process.off(signal, listener);
  }
  expect(signals).toEqual(['SIGTERM', 'SIGINT']);
});

it('naiveShutdown (the Q&A) ends the pool under queued requests and exits 0 with them unanswered', async () => {
  const { url, server, shutdown, lines, exits, pool } = await setUp({}, undefined, naiveShutdown);
  // Four requests on a pool of two: two wait for a connection the ended pool never gives them.
  const replies = Array.from({ length: 4 }, () =>
    get(`${url}/query`).then(
      (reply) => reply.status,
      (error: NodeJS.ErrnoException) => error.code,
    ),
  );
  await waitUntil(() => pool.waitingCount === 2, 'two queries to queue');
  await shutdown('SIGTERM');
  expect({ exits, stillWaiting: pool.waitingCount }).toEqual({ exits: [0], stillWaiting: 2 });
  // What process.exit would do to them.
  server.closeAllConnections();
  expect((await Promise.all(replies)).sort()).toEqual([200, 200, 'ECONNRESET', 'ECONNRESET']);
  expect(lines.map(([, message]) => message)).toEqual(['Received shutdown signal', 'HTTP server closed']);
});
