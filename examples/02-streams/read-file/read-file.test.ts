import { createHook } from 'node:async_hooks';
import { stat, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { countBytes, naiveCountBytes, naiveScanFile, scanFile, writeSampleFile } from './read-file.js';
import { measureReadMemory } from './read-memory.js';

const MiB = 1024 * 1024;
// Streaming RSS rises by what the GC has not yet freed (about 35-85 MiB on Node 20/24, whatever
// the file size), so the file must be several times that budget for the contrast to be a proof.
const FILE_SIZE = 512 * MiB;
const GROWTH_BUDGET = 128 * MiB;

const temp = useTempDir('read-file');

describe('reading a file several times larger than the memory budget', () => {
  let big: string;
  beforeAll(async () => {
    big = temp.file('big.log');
    await writeSampleFile(big, FILE_SIZE);
  });

  it('streams it with RSS growth under the budget, while readFileSync grows by the whole file', async () => {
    const [streamed, whole] = await Promise.all([measureReadMemory('stream', big), measureReadMemory('naive', big)]);

    console.log(`RSS growth: streamed ${(streamed.growth / MiB) | 0} MiB, whole file ${(whole.growth / MiB) | 0} MiB`);
    expect(streamed.scan).toEqual(whole.scan);
    expect(streamed.scan.bytes).toBe(FILE_SIZE);
    expect(streamed.growth).toBeLessThan(GROWTH_BUDGET);
    // RSS can also drop a little meanwhile (pages the runtime returns), hence 90%.
    expect(whole.growth).toBeGreaterThan(0.9 * FILE_SIZE);
  });
});

describe('scanFile', () => {
  it('counts the same lines as the whole-file read even when chunks split lines', async () => {
    const file = temp.file();
    await writeSampleFile(file, 10_000);
    expect(await scanFile(file, 7)).toEqual(naiveScanFile(file));
  });

  it('counts every newline and byte, with the default chunk size too', async () => {
    const file = temp.file();
    await writeFile(file, 'one\ntwo\n\nfour\n');
    const expected = { bytes: 14, lines: 4 };
    expect(naiveScanFile(file)).toEqual(expected);
    expect(await scanFile(file)).toEqual(expected);
    expect(await scanFile(file, 3)).toEqual(expected);
  });

  it('reads highWaterMark bytes at a time: a 10,000-byte file in 1,000-byte reads takes ten of them', async () => {
    const file = temp.file();
    await writeSampleFile(file, 10_000);
    const reads = await countFsRequests(() => scanFile(file, 1000));
    const whole = await countFsRequests(() => scanFile(file));
    expect(reads - whole).toBeGreaterThanOrEqual(9);
  });
});

/** How many libuv fs requests (open, read, close) `work` makes: each read of a stream is one. */
async function countFsRequests(work: () => Promise<unknown>): Promise<number> {
  let requests = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'FSREQCALLBACK') requests++;
    },
  }).enable();
  try {
    await work();
  } finally {
    hook.disable();
  }
  return requests;
}

describe('counting bytes', () => {
  it("miscounts multi-byte text when it counts the decoded chunks' length, as the Q&A's snippet does", async () => {
    const file = temp.file();
    await writeFile(file, 'Zürich café 🚀\n'.repeat(1000));
    const { size } = await stat(file);

    // It counts UTF-16 code units: 'ü' and 'é' are 2 bytes but 1 unit, '🚀' 4 bytes but 2 units.
    expect(await naiveCountBytes(file)).toBe('Zürich café 🚀\n'.length * 1000);
    expect(await naiveCountBytes(file)).not.toBe(size);
    expect(await countBytes(file)).toBe(size);
  });
});
