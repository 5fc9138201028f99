import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { recipe } from '@cookbook/shared';
import { writeSampleFile } from './read-file.js';
import { measureReadMemory } from './read-memory.js';

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

/** `pnpm example streams read-file [MiB]`: the file size, 1 to 8192 MiB; anything else names the fix. */
export function fileSizeMiB(args: readonly string[], fallback: number): number {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: true });
  const [text] = positionals;
  if (text === undefined) return fallback;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > 8192) {
    throw new RangeError(`read-file: size must be a whole number of MiB from 1 to 8192, got "${text}"`);
  }
  return size;
}

export const readFileDemo = recipe({
  services: [],
  title: 'readFileSync vs createReadStream on a big file, each read in a fresh process',
  lookFor: 'readFileSync grows by the file size; the stream grows by a few dozen MiB at any size.',
  async run({ smoke, args, defer, log }) {
    // `pnpm example streams read-file 1024`: what follows the recipe name is the size.
    const sizeMiB = fileSizeMiB(args, smoke ? 16 : 512);
    const dir = await mkdtemp(join(tmpdir(), 'cookbook-streams-read-'));
    defer(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'big.log');
    await writeSampleFile(file, sizeMiB * MiB);
    log(`Scanning a ${sizeMiB} MiB file:`);
    for (const mode of ['naive', 'stream'] as const) {
      const report = await measureReadMemory(mode, file);
      const how = mode === 'naive' ? 'readFileSync      ' : 'createReadStream  ';
      log(`${how} ${report.scan.lines} lines  peak RSS ${mib(report.peakRss)}  growth ${mib(report.growth)}`);
    }
  },
});
