import { once } from 'node:events';
import { type AddressInfo, connect, type Server } from 'node:net';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { type Fixture, spawnFixture, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { uppercase } from '../transform/transform.js';
import { createSocketServer, naiveSocketServer } from './socket-server.js';

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Connects, then resets the connection (RST) while the server is still writing to it. */
async function resetWhileServerWrites(port: number): Promise<void> {
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  client.write('a'.repeat(1024 * 1024));
  await once(client, 'data');
  client.resetAndDestroy();
}

describe('a socket server: one pipeline over a socket (a Duplex)', () => {
  let server: Server;
  afterEach(async () => {
    server.close();
    await once(server, 'close');
  });

  it('answers each client in upper case, with characters split across TCP writes intact', async () => {
    server = createSocketServer(uppercase).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect(portOf(server), '127.0.0.1');
    const bytes = Buffer.from('grüße 🚀');
    // Send one byte per write so the server sees the multi-byte characters in pieces.
    for (const byte of bytes) client.write(Buffer.of(byte));
    client.end();
    expect(await text(client)).toBe('GRÜSSE 🚀');
  });

  it('the .pipe() version answers a polite client just the same: only a reset shows what it lacks', async () => {
    server = naiveSocketServer(uppercase).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect(portOf(server), '127.0.0.1');
    client.end('polite');
    expect(await text(client)).toBe('POLITE');
  });

  it('survives a client that resets mid-response, and frees that connection', async () => {
    const errors: Error[] = [];
    server = createSocketServer(uppercase, (error) => errors.push(error)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    await resetWhileServerWrites(portOf(server));

    await waitUntil(() => errors.length > 0, 'the connection error');
    expect(errors[0]).toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE|ERR_STREAM_PREMATURE_CLOSE/) });
    const openConnections = promisify(server.getConnections.bind(server));
    await waitUntil(async () => (await openConnections()) === 0, 'the connection to be freed');
    expect(await openConnections()).toBe(0);
  });
});

describe('naive socket server (.pipe())', () => {
  let child: Fixture | undefined;
  afterEach(() => child?.kill());

  it('crashes on the same client reset', async () => {
    child = spawnFixture(new URL('./test/naive-socket-server.ts', import.meta.url));
    const [port] = await child.waitForLine(/^\d+$/);
    await resetWhileServerWrites(Number(port));
    expect(await child.exited).not.toBe(0);
    const fixture = child;
    // stderr may still be draining when 'exit' fires.
    await waitUntil(() => /ECONNRESET|EPIPE/.test(fixture.errors.join('\n')), 'the crash report on stderr', 5_000);
  });
});
