import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { closeServer, listen } from '@cookbook/shared';
import { waitUntil } from '@cookbook/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { DiskStore } from './storage.js';
import { head, multipartBody, openRaw, replyOf } from './test/raw-http.js';
import { createUploadApp } from './upload.js';

const MiB = 1024 * 1024;
const MAX = MiB;
const IDLE_MS = 500;
const BOUNDARY = 'cookbook-hostile';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const temp = useTempDir('hostile-upload');
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer(
    createUploadApp(new DiskStore(temp.path), { maxFileBytes: MAX, idleMs: IDLE_MS, lingerMs: 300 }),
  );
  port = Number(new URL(await listen(server, 0)).port);
});
afterAll(() => closeServer(server));

/** Nothing of a refused upload stays: no stored file, no `.part`. */
async function nothingStored(): Promise<void> {
  await waitUntil(async () => (await readdir(temp.path)).length === 0, 'the upload folder to be empty', 5_000);
}
afterEach(async () => {
  for (const name of await readdir(temp.path)) await rm(join(temp.path, name));
});

/** Sends `bytes` (a head, maybe part of a body) and returns what the server answers before closing. */
async function send(...bytes: (string | Buffer)[]) {
  const socket = await openRaw(port);
  for (const chunk of bytes) socket.write(chunk);
  return { socket, reply: replyOf(socket) };
}

const body = multipartBody(BOUNDARY, randomBytes(256 * 1024));

describe('a hostile upload gets a 4xx and leaves nothing behind', () => {
  it.each([
    ['a wrong content-type', { 'Content-Type': 'text/plain' }],
    ['no content-type', {}],
    ['multipart without a boundary', { 'Content-Type': 'multipart/form-data' }],
  ])('%s: 400 naming content-type', async (_case, headers) => {
    const { reply } = await send(head({ ...headers, 'Content-Length': String(body.length) }), body);
    expect(await reply).toMatchObject({
      status: 400,
      json: { field: 'content-type', error: 'expected a multipart/form-data body' },
    });
    await nothingStored();
  });

  it('a body that stops arriving: 408 naming body once it has been idle, and no partial file', async () => {
    const half = body.subarray(0, body.length / 2);
    const { reply } = await send(head({ 'Content-Type': MULTIPART, 'Content-Length': String(body.length) }), half);
    expect(await reply).toMatchObject({ status: 408, json: { field: 'body', error: `no data for ${IDLE_MS} ms` } });
    await nothingStored();
  });

  it('a body cut off by the client closing its side: 400, and no partial file', async () => {
    const half = body.subarray(0, body.length / 2);
    const { socket, reply } = await send(
      head({ 'Content-Type': MULTIPART, 'Content-Length': String(body.length) }),
      half,
    );
    await waitUntil(async () => (await readdir(temp.path)).length > 0, 'the partial file');
    socket.end();
    expect((await reply).status).toBe(400);
    await nothingStored();
  });

  it('a Content-Length shorter than the body: 400, and no file', async () => {
    const { reply } = await send(
      head({ 'Content-Type': MULTIPART, 'Content-Length': String(body.length - 100) }),
      body,
    );
    expect((await reply).status).toBe(400);
    await nothingStored();
  });

  it('no Content-Length and no Transfer-Encoding: 411 naming content-length', async () => {
    const { reply } = await send(head({ 'Content-Type': MULTIPART, Connection: 'close' }));
    expect(await reply).toMatchObject({
      status: 411,
      json: { field: 'content-length', error: 'send Content-Length or Transfer-Encoding: chunked' },
    });
    await nothingStored();
  });

  it('a header bigger than Node accepts (16 KiB): 431 before any of our code runs', async () => {
    const { reply } = await send(
      head({ 'Content-Type': MULTIPART, 'Content-Length': String(body.length), 'X-Padding': 'x'.repeat(20_000) }),
      body,
    );
    expect((await reply).status).toBe(431);
    await nothingStored();
  });

  it('a multipart part header bigger than busboy accepts: 400 naming body', async () => {
    const hostile = multipartBody(BOUNDARY, randomBytes(1024), `X-Padding: ${'x'.repeat(100_000)}\r\n`);
    const { reply } = await send(
      head({ 'Content-Type': MULTIPART, 'Content-Length': String(hostile.length), Connection: 'close' }),
      hostile,
    );
    expect(await reply).toMatchObject({ status: 400, json: { field: 'body' } });
    await nothingStored();
  });

  it('a file over the limit: 413 naming file, and the connection closed rather than read to the end', async () => {
    // Claims 4 GiB and keeps sending: the server must answer, then hang up after lingering 300 ms, long
    // before it has read that much (reading it all, it would keep the connection).
    const claimed = 4096 * MAX;
    // Server side: how long the connection stays open after the answer went out (the lingering close).
    const lingered = new Promise<number>((resolve) =>
      server.once('request', (req: IncomingMessage, res: ServerResponse) =>
        res.once('finish', () => {
          const answeredAt = performance.now();
          req.socket.once('close', () => resolve(performance.now() - answeredAt));
        }),
      ),
    );
    // A client that ignores the server ending its side, and keeps sending.
    const socket = await openRaw(port, { ignoreEnd: true });
    const reply = replyOf(socket);
    socket.write(head({ 'Content-Type': MULTIPART, 'Content-Length': String(claimed) }));
    const empty = multipartBody(BOUNDARY, Buffer.alloc(0));
    const partHead = empty.subarray(0, empty.indexOf('\r\n\r\n') + 4); // the part's head, then file bytes
    socket.write(partHead);
    let sent = partHead.length;
    const chunk = Buffer.alloc(64 * 1024, 1);
    // Never more than the Content-Length claimed: extra bytes would be parsed as a broken next request.
    const pump = () => {
      while (!socket.destroyed && sent + chunk.length <= claimed && socket.write(chunk)) sent += chunk.length;
    };
    socket.on('drain', pump);
    pump();
    // The answer arrives whole, the server ends its side in order, and stops reading long before the end.
    expect(await reply).toMatchObject({
      status: 413,
      json: { field: 'file', error: `file is larger than ${MAX} bytes` },
      ended: true,
      text: expect.stringMatching(/\r\nConnection: close\r\n/i),
    });
    expect(sent).toBeLessThan(claimed / 2);
    // Kept reading for the 300 ms linger rather than destroyed (and reset) as soon as the answer was out.
    // …for the configured 300 ms, not the 2 s default.
    const lingeredMs = await lingered;
    expect(lingeredMs).toBeGreaterThanOrEqual(250);
    expect(lingeredMs).toBeLessThan(1500);
    await nothingStored();
  });
});
