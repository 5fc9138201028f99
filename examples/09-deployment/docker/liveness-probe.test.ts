import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server on a free port; returns the port and the paths it was asked for. */
async function healthServer(handler: RequestListener): Promise<{ port: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: String((server.address() as AddressInfo).port), paths };
}

/** Runs the probe as Docker's HEALTHCHECK does, with PORT set, and returns the exit codes it asked for. */
async function probe(port: string): Promise<number[]> {
  const exits: number[] = [];
  vi.stubEnv('PORT', port);
  const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
    exits.push(Number(code));
    return undefined as never;
  });
  try {
    // The probe is a script: each run imports it afresh.
    vi.resetModules();
    await import('./liveness-probe.js');
  } finally {
    exit.mockRestore();
  }
  return exits;
}

describe('liveness-probe.ts (Docker HEALTHCHECK)', () => {
  it('exits 0 when /health/live answers 2xx, and asks for nothing else', async () => {
    const { port, paths } = await healthServer((req, res) =>
      res.writeHead(req.url === '/health/live' ? 204 : 404).end(),
    );
    expect(await probe(port)).toEqual([0]);
    expect(paths).toEqual(['/health/live']);
  });

  it('exits 1 when it answers 503', async () => {
    const { port } = await healthServer((_req, res) => res.writeHead(503).end());
    expect(await probe(port)).toEqual([1]);
  });

  it('exits 1 when nothing listens', async () => {
    const { port } = await healthServer(() => {});
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    expect(await probe(port)).toEqual([1]);
  });

  it('exits 1 when the process accepts but never answers (a wedged event loop)', async () => {
    const { port } = await healthServer(() => {});
    expect(await probe(port)).toEqual([1]);
  });
});
