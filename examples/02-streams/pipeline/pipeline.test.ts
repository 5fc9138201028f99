import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { spawnFixture, waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { uppercase } from '../transform/transform.js';
import { naiveCopy, transformFile } from './pipeline.js';

const temp = useTempDir('pipeline');

/** A source that delivers some data, then fails the way a dropped disk or socket does. */
function failingSource(): Readable {
  return new Readable({
    read() {
      this.push('some data\n');
      this.destroy(new Error('disk went away'));
    },
  });
}

describe('when the source fails midway', () => {
  it('naive .pipe(): the destination is never closed and its file descriptor stays open', async () => {
    const source = failingSource();
    const sourceFailed = once(source, 'error');
    const destination = createWriteStream(temp.file());
    await once(destination, 'open');
    naiveCopy(source, new PassThrough(), destination);
    await sourceFailed;

    expect(destination.destroyed).toBe(false);
    expect(destination.writableEnded).toBe(false);
    expect(destination.closed).toBe(false); // its file descriptor is still open
    destination.end(); // the cleanup .pipe() never did
    await once(destination, 'close');
  });

  it('naive .pipe(): a missing input is an unhandled error event that crashes the process', async () => {
    const child = spawnFixture(new URL('./test/naive-copy-missing-input.ts', import.meta.url), {
      args: [temp.file('missing.txt'), temp.file()],
    });
    try {
      expect(await child.exited).toBe(1);
      await waitUntil(() => /ENOENT/.test(child.errors.join('\n')), 'ENOENT on stderr', 5_000);
      expect(child.lines).not.toContain('finished');
    } finally {
      await child.kill();
    }
  });

  it('pipeline: rejects with the error, destroys every stream and removes the partial output', async () => {
    const output = temp.file();
    const through = uppercase();
    const input = temp.file();
    await writeFile(input, 'x'.repeat(1000));
    // The transform fails on its first chunk: the read and write streams must both be torn down.
    through._transform = (_chunk, _encoding, callback) => callback(new Error('bad chunk'));

    await expect(transformFile(input, output, through)).rejects.toThrow('bad chunk');
    expect(through.destroyed).toBe(true);
    await expect(access(output)).rejects.toThrow(/ENOENT/);
  });

  it('pipeline: a missing input rejects with ENOENT instead of an uncaught error event', async () => {
    const output = temp.file();
    const input = temp.file('missing.txt');
    // The input's own error, not one from the cleanup removing an output that was never created.
    await expect(transformFile(input, output, uppercase())).rejects.toMatchObject({ code: 'ENOENT', path: input });
    await expect(access(output)).rejects.toThrow(/ENOENT/);
  });

  it('pipeline: an output that cannot be opened rejects with that error, not one from the cleanup', async () => {
    const input = temp.file();
    await writeFile(input, 'data\n');
    const output = `${temp.file()}/no-such-folder/out.txt`;
    await expect(transformFile(input, output, uppercase())).rejects.toMatchObject({ syscall: 'open', path: output });
  });

  it('pipeline: copies and transforms the whole file when nothing fails', async () => {
    const input = temp.file();
    const output = temp.file();
    await writeFile(input, 'grüße 🚀\n'.repeat(20_000));
    await transformFile(input, output, uppercase());
    expect(await readFile(output, 'utf8')).toBe('GRÜSSE 🚀\n'.repeat(20_000));
  });
});
