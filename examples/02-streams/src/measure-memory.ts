import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FileScan } from './read-file.js';

export type ReadMode = 'naive' | 'stream';

export interface MemoryReport {
  mode: ReadMode;
  scan: FileScan;
  /** Peak RSS during the read minus RSS just before it, in bytes. */
  growth: number;
  peakRss: number;
}

const probe = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Reads `file` one way in a fresh Node process and reports its peak RSS growth. A fresh process
 * keeps the caller's own heap (a test runner, a previous measurement) out of the number.
 */
export function measureReadMemory(mode: ReadMode, file: string): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', probe, mode, file],
      { cwd: packageDir, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`memory probe (${mode}) failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout) as MemoryReport);
      },
    );
  });
}
