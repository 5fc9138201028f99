import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable, reportBench } from '@cookbook/shared/bench';
import { writeSampleFile } from './read-file.js';
import { measureReadMemory } from './read-memory.js';

// Peak RSS growth of each way of reading, at two file sizes, each read in a fresh process.
const MiB = 1024 * 1024;
const SIZES_MIB = [128, 1024];

const directory = await mkdtemp(join(tmpdir(), 'cookbook-streams-bench-'));
try {
  const rows: (string | number)[][] = [];
  for (const sizeMiB of SIZES_MIB) {
    const file = join(directory, `${sizeMiB}.log`);
    await writeSampleFile(file, sizeMiB * MiB);
    for (const mode of ['naive', 'stream'] as const) {
      const report = await measureReadMemory(mode, file);
      const how = mode === 'naive' ? 'readFileSync (whole Buffer)' : 'pipeline(createReadStream, Writable)';
      rows.push([`${sizeMiB} MiB`, how, Math.round(report.growth / MiB), Math.round(report.peakRss / MiB)]);
      console.log(rows.at(-1)?.join('  '));
    }
    await rm(file);
  }
  reportBench(
    'read-memory',
    `Scanning a generated log file (counting lines), peak RSS in MiB:\n\n${markdownTable(
      ['file', 'read with', 'RSS growth', 'peak RSS'],
      rows,
    )}`,
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}
