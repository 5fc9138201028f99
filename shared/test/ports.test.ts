import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralRange, LOWEST, reservablePort } from '../src/ports.js';

const held: Server[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function hold(port: number): Promise<void> {
  const server = createServer().listen(port, '127.0.0.1');
  await once(server, 'listening');
  held.push(server);
}

describe('ports for a process that binds them later', () => {
  it('lie below the range outgoing connections take their local ports from', async () => {
    const [first, last] = ephemeralRange();
    expect(first).toBeLessThan(last);
    for (let i = 0; i < 20; i++) expect(await reservablePort()).toBeLessThan(first);
  });

  it('come as a run of consecutive ports, every one of them bindable', async () => {
    const base = await reservablePort(4);
    expect(base + 4).toBeLessThanOrEqual(ephemeralRange()[0]);
    for (let port = base; port < base + 4; port++) await hold(port);
  });

  it('never include a port that something already listens on: it tries another start', async () => {
    const base = await reservablePort(3);
    await hold(base + 1);
    const span = ephemeralRange()[0] - 3 - LOWEST;
    // The first start drawn is exactly the run that holds the taken port; the second is elsewhere.
    const draws = [(base - LOWEST + 0.5) / span, 0.5];
    const start = await reservablePort(3, () => draws.shift() ?? Math.random());
    expect(draws).toEqual([]);
    expect(start).not.toBe(base);
  });

  it('a port from listen(0), as the old helpers used, is one of the ephemeral range', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    held.push(server);
    const { port } = server.address() as { port: number };
    const [first, last] = ephemeralRange();
    expect(port).toBeGreaterThanOrEqual(first);
    expect(port).toBeLessThanOrEqual(last);
  });
});
