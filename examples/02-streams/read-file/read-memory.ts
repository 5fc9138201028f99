import { execFile } from 'node:child_process';
import { dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type FileScan, naiveScanFile, scanFile } from './read-file.js';

export type ReadMode = 'naive' | 'stream';

export interface MemoryReport {
  mode: ReadMode;
  scan: FileScan;
  /** Peak RSS during the read minus RSS just before it, in bytes. */
  growth: number;
  peakRss: number;
}

const thisFile = fileURLToPath(import.meta.url);
// Run from source, the child needs tsx to load this file; compiled, it is plain JavaScript.
// Stryker disable next-line ConditionalExpression,ArrayDeclaration: tests run the .ts source; only compiled code takes the other branch
const loader = extname(thisFile) === '.ts' ? ['--import', 'tsx'] : [];

/**
 * Reads `file` one way in a fresh Node process (this same file, run as a script) and reports its peak
 * RSS growth. A fresh process keeps the caller's own heap (a test runner, an earlier read) out of the number.
 */
export async function measureReadMemory(mode: ReadMode, file: string): Promise<MemoryReport> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...loader, thisFile, mode, file], {
      cwd: dirname(thisFile),
      timeout: 120_000,
    });
    return JSON.parse(stdout) as MemoryReport;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`memory probe (${mode}) failed: ${stderr || message}`);
  }
}

/**
 * The child's side: read once, print one JSON line. maxRSS is the kernel's high-water mark, so it also
 * sees the peak inside a blocking readFileSync.
 */
async function reportReadMemory(mode: ReadMode, file: string): Promise<void> {
  const baselineRss = process.memoryUsage().rss;
  const scan = mode === 'naive' ? naiveScanFile(file) : await scanFile(file);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const report: MemoryReport = { mode, scan, peakRss, growth: peakRss - baselineRss };
  console.log(JSON.stringify(report));
}

if (process.argv[1] === thisFile) {
  const [mode, file] = process.argv.slice(2);
  if ((mode !== 'naive' && mode !== 'stream') || !file) {
    console.error('usage: read-memory.ts <naive|stream> <file>');
    process.exitCode = 2;
  } else {
    await reportReadMemory(mode, file);
  }
}
