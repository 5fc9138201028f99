import { once } from 'node:events';
import { readdir, rm } from 'node:fs/promises';
import { Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { waitUntil } from '@cookbook/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { DiskStore } from './storage.js';
import { sha256Of } from './test/checksum.js';
import { createUploadApp } from './upload.js';
import { randomContent, streamUpload } from './upload-client.js';

const MiB = 1024 * 1024;
const temp = useTempDir('upload');

describe('upload app (in process)', () => {
  let server: Server;
  let url: string;
  let directory: string;
  const MAX = 4 * MiB;

  beforeAll(async () => {
    directory = temp.path;
    server = createUploadApp(new DiskStore(directory), { maxFileBytes: MAX }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  afterEach(async () => {
    for (const name of await readdir(directory)) await rm(join(directory, name));
  });

  it('stores the file byte for byte and answers 201 with its size and checksum', async () => {
    const { content, sha256 } = randomContent(3 * MiB);
    const response = await streamUpload(url, content);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ bytes: 3 * MiB, sha256: sha256(), filename: 'data.bin' });
    expect(await readdir(directory)).toEqual([response.body.key]);
    expect(await sha256Of(`${directory}/${response.body.key}`)).toBe(sha256());
  });

  it('answers 413 naming the field for a file over the limit, and keeps no partial file', async () => {
    const response = await streamUpload(url, randomContent(3 * MAX).content);
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ field: 'file' });
    expect(await readdir(directory)).toEqual([]);
  });

  it('answers 400 naming content-type for a body that is not multipart', async () => {
    const response = await streamUpload(url, randomContent(1024).content, { contentType: 'application/json' });
    expect(response).toMatchObject({ status: 400, body: { field: 'content-type' } });
  });

  it('answers 400 naming the body when the multipart framing is broken', async () => {
    const response = await streamUpload(url, randomContent(1024).content, {
      contentType: 'multipart/form-data; boundary=not-the-one-used',
    });
    expect(response).toMatchObject({ status: 400, body: { field: 'body' } });
    expect(await readdir(directory)).toEqual([]);
  });

  it.each([
    ['400, not multipart', { contentType: 'application/json' }, 400],
    ['413, over the limit', {}, 413],
  ] as const)(
    'a refusal mid-body (%s) closes its connection, so the next upload on a keep-alive pool is answered',
    async (_case, refusal, status) => {
      // One pooled socket: the next upload goes out on the refused one's connection unless the server
      // said Connection: close, and then meets the server closing it ("socket hang up").
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await streamUpload(url, randomContent(MAX + MiB).content, { ...refusal, agent });
        expect(refused.status).toBe(status);
        const next = await streamUpload(url, randomContent(1024).content, { agent });
        expect(next.status).toBe(201);
      } finally {
        agent.destroy();
      }
    },
  );

  it('answers 400 naming the field when the form has no "file" part', async () => {
    const response = await streamUpload(url, randomContent(1024).content, { field: 'document' });
    expect(response).toMatchObject({ status: 400, body: { field: 'file' } });
    expect(await readdir(directory)).toEqual([]);
  });

  it('deletes the partial file when the client aborts mid-upload', async () => {
    let sent = 0;
    // Sends 1 MiB, then stalls as a dying client would; the test then cuts the connection.
    const stalling = new Readable({
      read() {
        if (sent < MiB) this.push(Buffer.alloc(64 * 1024, 1));
        sent += 64 * 1024;
      },
    });
    let abort = () => {};
    const uploading = streamUpload(url, stalling, { onRequest: (destroy) => (abort = destroy) });
    uploading.catch(() => {});
    await waitUntil(async () => (await readdir(directory)).some((name) => name.endsWith('.part')), 'a partial file');
    abort();
    await expect(uploading).rejects.toThrow();
    await waitUntil(async () => (await readdir(directory)).length === 0, 'the partial file to be deleted');
  });
});
