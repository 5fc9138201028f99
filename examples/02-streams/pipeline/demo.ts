import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { recipe } from '@cookbook/shared';
import { naiveCopy, transformFile } from './pipeline.js';

export const pipelineDemo = recipe({
  services: [],
  title: 'a source that fails halfway, under .pipe() and under pipeline()',
  lookFor: '.pipe() leaves the destination open; pipeline() tears everything down and reports the error.',
  async run({ defer, log }) {
    const dir = await mkdtemp(join(tmpdir(), 'cookbook-streams-pipeline-'));
    defer(() => rm(dir, { recursive: true, force: true }));
    const source = new Readable({
      read() {
        this.push('half of the data\n');
        this.destroy(new Error('source failed'));
      },
    });
    source.on('error', () => {}); // with .pipe() you must add this yourself, or the process crashes
    const destination = createWriteStream(join(dir, 'piped.txt'));
    naiveCopy(source, new PassThrough(), destination);
    await once(source, 'error');
    log(`.pipe():    destination closed? ${destination.closed}  (its file descriptor leaks)`);
    destination.end();

    const input = join(dir, 'input.txt');
    await writeFile(input, 'some text\n'.repeat(1000));
    const failing = new Transform({ transform: (_chunk, _encoding, callback) => callback(new Error('bad chunk')) });
    const error = await transformFile(input, join(dir, 'out.txt'), failing).catch((e: Error) => e);
    log(`pipeline(): rejected with "${(error as Error).message}", every stream destroyed, partial output removed`);
  },
});
