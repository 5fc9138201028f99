import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, listen, portFromEnv, recipe } from '@cookbook/shared';
import { DiskStore } from './storage.js';
import { createUploadApp } from './upload.js';
import { randomContent, streamUpload } from './upload-client.js';

const MiB = 1024 * 1024;

export const uploadDemo = recipe({
  services: [],
  title: 'multipart streamed through busboy to disk, never buffered',
  lookFor: '201 with a matching checksum; 400 naming content-type for the plain-text body.',
  async run({ smoke, alone, defer, untilStopped, log }) {
    // Run on its own (`pnpm example streams upload`), the server keeps serving until Ctrl-C.
    const keepServing = alone && !smoke;
    const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-uploads-'));
    defer(() => rm(directory, { recursive: true, force: true }));
    const maxFileBytes = 1024 * MiB;
    const server = createServer(createUploadApp(new DiskStore(directory), { maxFileBytes }));
    const url = await listen(server, keepServing ? portFromEnv(3002) : 0);
    defer(() => closeServer(server));
    log(`Listening on ${url}: POST ${url}/files (field "file", up to ${maxFileBytes / MiB} MiB)`);

    const size = smoke ? MiB : 64 * MiB;
    const { content, sha256 } = randomContent(size);
    const { status, body } = await streamUpload(`${url}/files`, content);
    log(`uploaded ${size / MiB} MiB: ${status} ${JSON.stringify(body)}; checksum matches: ${body.sha256 === sha256()}`);
    const rejected = await streamUpload(`${url}/files`, randomContent(1024).content, { contentType: 'text/plain' });
    log(`a non-multipart body: ${rejected.status} ${JSON.stringify(rejected.body)}`);
    if (keepServing) {
      log(`Try: head -c 300M /dev/urandom > big.bin && curl -F file=@big.bin ${url}/files   (Ctrl-C to stop)`);
      await untilStopped();
    }
  },
});
