import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestCounts } from '@cookbook/shared/testing';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const RESULTS_FILE = 'test-results.json';

/** Deletes last run's reports so a package that crashes before reporting cannot pass with old numbers. */
export function clearResults(packageDirs: readonly string[]): void {
  for (const dir of packageDirs) rmSync(join(dir, RESULTS_FILE), { force: true });
}

export interface PackageResult {
  counts: Counts;
  /** One line per failure, so the run's closing lines (all CI shows) name what to fix. */
  failures: string[];
}

/** Reads one package's report (written by the shared CountReporter); `undefined` when it wrote none. */
export function readResults(packageDir: string): PackageResult | undefined {
  const path = join(packageDir, RESULTS_FILE);
  if (!existsSync(path)) return undefined;
  const report = JSON.parse(readFileSync(path, 'utf8')) as TestCounts;
  return { counts: countReport(report), failures: failureLines(report) };
}

/** Every failure `countReport` counts, named: a failed test, a file that broke, an unhandled error. */
export function failureLines(report: TestCounts): string[] {
  return [
    ...report.failedTests,
    ...report.brokenFiles.map((file) => `${file}: did not load, or a hook failed`),
    ...report.unhandledErrors.map((error) => `unhandled: ${error}`),
  ];
}

/**
 * Sums a package's counts so that no failure hides: a file that did not load is one failure, an
 * unhandled error is one, and a run that executed no test at all is one.
 */
export function countReport(report: TestCounts): Counts {
  let failed = report.failed + report.brokenFiles.length + report.unhandledErrors.length;
  if (report.passed + failed === 0) failed = 1;
  return { passed: report.passed, failed, skipped: report.skipped };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { passed: a.passed + b.passed, failed: a.failed + b.failed, skipped: a.skipped + b.skipped };
}

/** The plain closing line CI reads: `N passed, N failed` (and `, N skipped` when any were). */
export function summaryLine(counts: Counts, label = 'tests'): string {
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
  return `${label}: ${counts.passed} passed, ${counts.failed} failed${skipped}`;
}
