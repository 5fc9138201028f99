import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@cookbook/shared/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createShoutServer } from '../src/duplex.js';

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

async function readAll(client: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of client) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('shout server: one pipeline over a socket (a Duplex)', () => {
  let server: Server;
  afterEach(async () => {
    server.close();
    await once(server, 'close');
  });

  it('answers each client in upper case, with characters split across TCP writes intact', async () => {
    server = createShoutServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect(portOf(server), '127.0.0.1');
    const bytes = Buffer.from('grüße 🚀');
    // Send one byte per write so the server sees the multi-byte characters in pieces.
    for (const byte of bytes) client.write(Buffer.of(byte));
    client.end();
    expect(await readAll(client)).toBe('GRÜSSE 🚀');
  });

  it('survives a client that resets mid-response, and frees that connection', async () => {
    const errors: Error[] = [];
    server = createShoutServer((error) => errors.push(error)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    await resetWhileServerWrites(portOf(server));

    await waitUntil(() => errors.length > 0, 'the connection error');
    expect(errors[0]).toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE|ERR_STREAM_PREMATURE_CLOSE/) });
    const openConnections = () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    await waitUntil(async () => (await openConnections()) === 0, 'the connection to be freed');
    expect(await openConnections()).toBe(0);
  });
});

describe('naive shout server (.pipe())', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('crashes on the same client reset', async () => {
    const script = fileURLToPath(new URL('./fixtures/naive-shout-server.ts', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [firstLine] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
    const exited = once(child, 'exit');
    await resetWhileServerWrites(Number(firstLine.toString().trim()));
    const [code] = (await exited) as [number | null];
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/ECONNRESET|EPIPE/);
  });
});
