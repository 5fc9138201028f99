import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-files.js';
import { measureReadMemory, type ReadMode } from './read-memory.js';

const temp = useTempDir('read-memory');

describe('measureReadMemory', () => {
  it.each(['naive', 'stream'] as const)('reports what a %s read of the file found, and its peak RSS', async (mode) => {
    const file = temp.file();
    await writeFile(file, 'a\nbb\nccc\n');
    const report = await measureReadMemory(mode, file);
    expect(report).toMatchObject({ mode, scan: { bytes: 9, lines: 3 } });
    // The peak is the process's high-water mark: at least the RSS it started from, in bytes, not KiB.
    expect(report.peakRss).toBeGreaterThan(10 * 1024 * 1024);
    expect(report.growth).toBeGreaterThanOrEqual(0);
    expect(report.growth).toBeLessThan(report.peakRss);
  });

  it("names the child's error when the read fails, not the command line", async () => {
    const probe = measureReadMemory('stream', temp.file('missing'));
    await expect(probe).rejects.toThrow(/^memory probe \(stream\) failed: .*ENOENT/s);
    await expect(probe).rejects.not.toThrow(/Command failed/);
  });

  it.each([
    ['a mode it does not know', 'mapped', 'file'],
    ['no file', 'stream', ''],
  ])('refuses %s with its usage line', async (_case, mode, file) => {
    await expect(measureReadMemory(mode as ReadMode, file)).rejects.toThrow(
      'usage: read-memory.ts <naive|stream> <file>',
    );
  });

  it('starts its probe whatever directory the caller runs in', async () => {
    const file = temp.file();
    await writeFile(file, 'x\n');
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      expect((await measureReadMemory('stream', file)).scan).toEqual({ bytes: 2, lines: 1 });
    } finally {
      process.chdir(cwd);
    }
  });

  it('does nothing when imported for its functions: only run as a script does it probe', () => {
    expect(process.exitCode ?? 0).toBe(0);
  });
});
