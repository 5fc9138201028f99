import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const RESULTS_FILE = 'test-results.json';

/** Deletes last run's reports so a package that crashes before reporting cannot pass with old numbers. */
export function clearResults(packageDirs: readonly string[]): void {
  for (const dir of packageDirs) rmSync(join(dir, RESULTS_FILE), { force: true });
}

/** Reads one package's vitest JSON report; `undefined` when it wrote none. */
export function readResults(packageDir: string): Counts | undefined {
  const path = join(packageDir, RESULTS_FILE);
  if (!existsSync(path)) return undefined;
  const report = JSON.parse(readFileSync(path, 'utf8')) as VitestJson;
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

/** The plain closing line CI reads: `N passed, N failed` (and `, N skipped` when any were). */
export function summaryLine(counts: Counts, label = 'tests'): string {
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  return `${label}: ${counts.passed} passed, ${counts.failed} failed${skipped}`;
}
