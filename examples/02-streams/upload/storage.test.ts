import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { withServer } from '@cookbook/shared';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { naiveUploadApp } from './naive-upload.js';
import { DiskStore } from './storage.js';
import { UploadError } from './upload.js';
import { randomContent, streamUpload } from './upload-client.js';

const temp = useTempDir('storage');

describe('DiskStore', () => {
  it.each(['../escaped', 'ok/../../escaped', 'ok/escaped', 'ok\n', ''])(
    'refuses the key %j, which is not a plain name, and writes nothing',
    async (key) => {
      const folder = temp.file();
      await mkdir(folder);
      const saving = new DiskStore(folder).save(key, Readable.from([Buffer.from('x')]));
      await expect(saving).rejects.toThrow(TypeError);
      await expect(saving).rejects.toThrow(`unsafe storage key: ${key}`);
      expect(await readdir(folder)).toEqual([]);
      expect((await readdir(temp.path)).filter((name) => name.startsWith('escaped'))).toEqual([]);
    },
  );

  it('rejects with the cause when it cannot write, not with the clean-up of a file it never made', async () => {
    const missing = join(temp.path, 'no-such-folder');
    const saving = new DiskStore(missing).save('key', Readable.from([Buffer.from('x')]));
    await expect(saving).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open' });
  });

  it('keeps nothing, and passes on the error, when the content fails mid-stream', async () => {
    const folder = temp.file();
    await mkdir(folder);
    const failure = new UploadError(413, 'file', 'too big');
    const content = new Readable({ read() {} });
    content.push(Buffer.alloc(1024));
    setImmediate(() => content.destroy(failure));
    await expect(new DiskStore(folder).save('key', content)).rejects.toBe(failure);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('UploadError', () => {
  it('is named for what it is, so a log line says which kind of failure it was', () => {
    expect(new UploadError(413, 'file', 'too big')).toMatchObject({ name: 'UploadError', status: 413, field: 'file' });
  });
});

describe('naiveUploadApp', () => {
  it('stores the same bytes as the streaming app: its fault is memory, not the result', async () => {
    const folder = temp.file();
    await mkdir(folder);
    await withServer(naiveUploadApp(new DiskStore(folder)), async (url) => {
      const { content, sha256 } = randomContent(300 * 1024);
      const response = await streamUpload(`${url}/files`, content);
      expect(response).toMatchObject({ status: 201, body: { bytes: 300 * 1024, sha256: sha256() } });
      expect(await readdir(folder)).toEqual([response.body.key]);
    });
  });
});
