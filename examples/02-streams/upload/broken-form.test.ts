import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { closeServer, listen, withServer } from '@cookbook/shared';
import { waitUntil } from '@cookbook/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { DiskStore } from './storage.js';
import { head, openRaw, replyOf } from './test/raw-http.js';
import { createUploadApp } from './upload.js';

const BOUNDARY = 'cookbook-broken';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const temp = useTempDir('broken-form');
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer(createUploadApp(new DiskStore(temp.path), { maxFileBytes: 1024 * 1024, idleMs: 2000 }));
  port = Number(new URL(await listen(server, 0)).port);
});
afterAll(() => closeServer(server));
afterEach(async () => {
  vi.restoreAllMocks();
  for (const name of await readdir(temp.path)) await rm(join(temp.path, name));
});

const filePart = (disposition = 'name="file"; filename="data.bin"') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: application/octet-stream\r\n\r\n`;
const data = randomBytes(4096);
const form = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((part) => Buffer.from(part)));

/** Sends one whole request (its body exactly as long as it says) and reads the answer. */
async function post(body: Buffer, headers: Record<string, string> = { Connection: 'close' }) {
  const socket = await openRaw(port);
  const reply = replyOf(socket);
  socket.write(head({ 'Content-Type': MULTIPART, 'Content-Length': String(body.length), ...headers }));
  socket.write(body);
  return reply;
}

describe('a form broken after its file part has begun', () => {
  it.each([
    ['ends after the file, without the closing boundary', form(filePart(), data, `\r\n--${BOUNDARY}`)],
    [
      'ends inside a second part',
      form(filePart(), data, `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\nab`),
    ],
    ['ends inside the file', form(filePart(), data)],
    [
      'has a part header over the limit after the file',
      form(filePart(), data, `\r\n--${BOUNDARY}\r\nX: ${'x'.repeat(100_000)}\r\n\r\n`),
    ],
  ])('%s: answered 400 naming body, and no file kept', async (_case, body) => {
    // Before the fix these got no answer at all (the connection hung) or a 500, and the file stayed.
    const reply = await post(body);
    expect(reply).toMatchObject({
      status: 400,
      json: { field: 'body', error: expect.stringMatching(/^malformed multipart body: \w/) },
    });
    await waitUntil(async () => (await readdir(temp.path)).length === 0, 'the upload folder to be empty', 5_000);
  });
});

describe('a head and then nothing', () => {
  it('408 naming body once idle, though no part of the form has begun', async () => {
    const socket = await openRaw(port);
    const reply = replyOf(socket);
    socket.write(head({ 'Content-Type': MULTIPART, 'Content-Length': '1000' }));
    expect(await reply).toMatchObject({ status: 408, json: { field: 'body', error: 'no data for 2000 ms' } });
  });
});

describe('the answers a whole form gets', () => {
  it('a file part with no filename is stored, as "unnamed"', async () => {
    const reply = await post(form(filePart('name="file"'), data, `\r\n--${BOUNDARY}--\r\n`));
    expect(reply).toMatchObject({ status: 201, json: { filename: 'unnamed', bytes: data.length } });
  });

  it('a refusal of a body read to its end keeps the connection for the next request', async () => {
    const socket = await openRaw(port);
    const reply = replyOf(socket);
    const noFile = form(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\nab\r\n--${BOUNDARY}--\r\n`);
    const whole = form(filePart(), data, `\r\n--${BOUNDARY}--\r\n`);
    socket.write(head({ 'Content-Type': MULTIPART, 'Content-Length': String(noFile.length) }));
    socket.write(noFile);
    socket.write(head({ 'Content-Type': MULTIPART, 'Content-Length': String(whole.length), Connection: 'close' }));
    socket.write(whole);
    const { text } = await reply;
    expect([...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1])).toEqual(['400', '201']);
    expect(text).toContain('the form has no file part named \\"file\\"');
  });

  it('a store that fails is a 500 the server logs, not a 4xx blaming the client', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = createUploadApp(new DiskStore(join(temp.path, 'gone')), { maxFileBytes: 1024 * 1024 });
    await withServer(broken, async (url) => {
      const response = await fetch(`${url}/files`, {
        method: 'POST',
        headers: { 'content-type': MULTIPART },
        body: form(filePart(), data, `\r\n--${BOUNDARY}--\r\n`),
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'upload failed' });
    });
    expect(logged).toHaveBeenCalledWith('upload failed:', expect.objectContaining({ code: 'ENOENT' }));
  });

  it('a client that goes away mid-body is not logged as a server failure, and leaves no file', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const socket = await openRaw(port);
    socket.write(head({ 'Content-Type': MULTIPART, 'Content-Length': String(10 * data.length) }));
    socket.write(form(filePart(), data));
    await waitUntil(async () => (await readdir(temp.path)).length > 0, 'the partial file');
    socket.destroy();
    await waitUntil(async () => (await readdir(temp.path)).length === 0, 'the partial file to be deleted', 5_000);
    expect(logged).not.toHaveBeenCalled();
  });
});
