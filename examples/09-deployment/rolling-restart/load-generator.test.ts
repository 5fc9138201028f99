import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reservablePort, spawnFixture, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { generateLoad, spawnLoadGenerator, throughput } from './load-generator.js';

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A backend that answers `status()` and counts what it was sent, and on how many connections. */
async function backend(status: () => number) {
  const seen = { requests: 0, sockets: 0, open: 0 };
  server = createServer((_req, res) => {
    seen.requests += 1;
    res.writeHead(status()).end('ok');
  });
  // Node's default 5 s keep-alive timeout races the next request when a loaded machine stalls this
  // process for longer (the server closes the idle socket as the request arrives): that race is
  // the backend's, and this test counts the generator's connections.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    seen.sockets += 1;
    seen.open += 1;
    socket.once('close', () => {
      seen.open -= 1;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/time`, seen };
}

describe('the closed-loop load', () => {
  it('counts 200s and failures per phase, keeps the first ten failures, on keep-alive connections', async () => {
    let answer = 200;
    const { url, seen } = await backend(() => answer);
    let firstAnswers = 0;
    const began = performance.now();
    const load = generateLoad(url, 3, () => {
      firstAnswers += 1;
    });
    await waitUntil(() => seen.requests >= 20 || undefined, 'requests in the warm-up');
    load.enter('outage');
    answer = 503;
    // Counted from the switch: a late poll may have let the warm-up run past any fixed total.
    const outageFrom = seen.requests;
    await waitUntil(() => seen.requests >= outageFrom + 40 || undefined, 'requests in the outage');
    const { phases, failures } = await load.stop();
    const elapsed = performance.now() - began;
    expect(firstAnswers).toBe(1);
    expect(phases['warm-up']?.failed).toBe(0);
    expect(phases['warm-up']?.ok).toBeGreaterThan(0);
    expect(phases.outage?.failed).toBeGreaterThan(10);
    expect((phases['warm-up']?.ok ?? 0) + (phases.outage?.ok ?? 0) + (phases.outage?.failed ?? 0)).toBe(seen.requests);
    expect(failures).toEqual(Array.from({ length: 10 }, () => '503'));
    for (const phase of Object.values(phases)) expect(phase.ms).toBeGreaterThan(0);
    // The phases' time adds up to no more than the load ran.
    expect(Object.values(phases).reduce((sum, phase) => sum + phase.ms, 0)).toBeLessThanOrEqual(elapsed);
    // Three connections, reused: never one per request; stopped, it leaves none open.
    expect(seen.sockets).toBeLessThanOrEqual(3);
    await waitUntil(() => seen.open === 0 || undefined, 'the load’s connections closed');
  });

  it('counts a refused connection as a failure, named by its error code', async () => {
    const url = `http://127.0.0.1:${await reservablePort()}/api/time`;
    const load = generateLoad(url, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { phases, failures } = await load.stop();
    expect(phases['warm-up']?.ok).toBe(0);
    expect(failures[0]).toMatch(/^ECONNREFUSED connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('gives the requests per second of a phase, and 0 for a phase that never ran', () => {
    expect(throughput({ ok: 50, failed: 3, ms: 500 })).toBe(100);
    expect(throughput({ ok: 50, failed: 0, ms: 0 })).toBe(0);
    expect(throughput(undefined)).toBe(0);
  });
});

describe('the load generator in a process of its own', () => {
  it('starts once requests flow, counts the phases it is told, and reports when stopped', async () => {
    const { url, seen } = await backend(() => 200);
    const load = spawnLoadGenerator({ url, connections: 2, execArgv: ['--import', 'tsx'] });
    try {
      await load.started;
      load.enter('steady');
      await waitUntil(() => seen.requests >= 50 || undefined, 'steady requests');
      const report = await load.stop();
      expect(Object.keys(report.phases)).toEqual(['warm-up', 'steady']);
      expect(report.phases.steady?.ok).toBeGreaterThan(0);
      expect(report.failures).toEqual([]);
    } finally {
      load.kill();
    }
  });

  it('a generator killed before its first request fails the start, with no exit code', async () => {
    const { url } = await backend(() => 200);
    const load = spawnLoadGenerator({ url, connections: 1, execArgv: ['--import', 'tsx'] });
    load.kill();
    await expect(load.started).rejects.toThrow('the load generator exited (null) before its first request');
  });

  it('a generator that dies first fails the start with its exit code', async () => {
    const load = spawnLoadGenerator({ url: 'not a url', connections: 1, execArgv: ['--import', 'tsx'] });
    await expect(load.started).rejects.toThrow(/^the load generator exited \(1\) before its first request$/);
  });

  it.each([
    ['no URL', ['', '1'], true],
    ['no connection count', ['http://127.0.0.1:9/'], true],
    ['no IPC channel to report over', ['http://127.0.0.1:9/', '1'], false],
  ])('started with %s, it refuses with exit code 2 and its usage', async (_what, args, ipc) => {
    const child = spawnFixture(new URL('./load-process.ts', import.meta.url), { args, ipc });
    onTestFinished(() => child.kill()); // one that did not refuse would load the URL until the test times out
    expect(await child.exited).toBe(2);
    expect(child.errors[0]).toMatch(/^usage: fork load-process\.js <url> <connections> with an IPC channel/);
  });
});
