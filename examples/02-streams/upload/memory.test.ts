import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Fixture, spawnFixture } from '@cookbook/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { sha256Of } from './test/checksum.js';
import { randomContent, streamUpload } from './upload-client.js';

const MiB = 1024 * 1024;
const temp = useTempDir('upload-memory');

describe('a 200 MiB upload, server in a child process', () => {
  const SIZE = 200 * MiB;
  const GROWTH_BUDGET = 100 * MiB;
  const children: Fixture[] = [];
  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
  });

  async function startServer(mode: 'stream' | 'naive', directory: string): Promise<string> {
    const child = spawnFixture(new URL('./test/upload-server.ts', import.meta.url), { args: [mode, directory] });
    children.push(child);
    const [url] = await child.waitForLine(/^http:\/\/\S+$/);
    return url;
  }

  async function uploadAndMeasure(mode: 'stream' | 'naive') {
    const directory = temp.file(mode);
    await mkdir(directory);
    const base = await startServer(mode, directory);
    const before = (await (await fetch(`${base}/memory`)).json()) as { rss: number };
    const { content, sha256 } = randomContent(SIZE);
    const response = await streamUpload(`${base}/files`, content);
    const after = (await (await fetch(`${base}/memory`)).json()) as { peakRss: number };
    return { response, sha256: sha256(), directory, growth: after.peakRss - before.rss };
  }

  it('streaming: RSS grows by less than half the file, and the file on disk is byte-exact', async () => {
    const { response, sha256, directory, growth } = await uploadAndMeasure('stream');
    console.log(`streaming upload: server RSS growth ${(growth / MiB).toFixed(0)} MiB`);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ bytes: SIZE, sha256 });
    expect(await sha256Of(join(directory, String(response.body.key)))).toBe(sha256);
    expect(growth).toBeLessThan(GROWTH_BUDGET);
  });

  it('naive (file part gathered into one Buffer): RSS grows by at least the whole file', async () => {
    const { response, sha256, growth } = await uploadAndMeasure('naive');
    console.log(`naive upload: server RSS growth ${(growth / MiB).toFixed(0)} MiB`);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ bytes: SIZE, sha256 });
    expect(growth).toBeGreaterThanOrEqual(SIZE);
  });
});
