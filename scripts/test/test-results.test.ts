import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCounts } from '@cookbook/shared/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/catalog.js';
import { countReport, failureLines } from '../src/test-results.js';

const fixtures = join(import.meta.dirname, 'fixtures/reports');
const out = mkdtempSync(join(tmpdir(), 'cookbook-reports-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs real vitest on a fixture folder and returns the counts it writes, as `pnpm test` reads them. */
function reportOf(fixture: string): TestCounts {
  const outputFile = join(out, `${fixture}.json`);
  const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
  const args = [vitest, 'run', '--config', join(fixtures, 'vitest.config.ts'), '--root', join(fixtures, fixture)];
  try {
    execFileSync(process.execPath, args, { stdio: 'pipe', env: { ...process.env, COUNTS_FILE: outputFile } });
  } catch {
    // A failing run exits non-zero; the counts it wrote are what `pnpm test` sums.
  }
  return JSON.parse(readFileSync(outputFile, 'utf8')) as TestCounts;
}

describe('counting a package report, so the closing line cannot hide a failure', () => {
  it('counts a clean run as it is', () => {
    expect(countReport(reportOf('passing'))).toEqual({ passed: 1, failed: 0, skipped: 0 });
  });

  it('counts a failed test, and names it by file, suite and test', () => {
    const report = reportOf('failing');
    expect(countReport(report)).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(failureLines(report)).toEqual(['orders.check.ts > an order > keeps its total']);
  });

  it('counts a suite that failed to load as a failure, though no test in it failed', () => {
    const report = reportOf('load-error');
    expect(report.failed).toBe(0);
    expect(countReport(report)).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(failureLines(report)).toEqual([expect.stringMatching(/broken\.check\.ts: did not load/)]);
  });

  it('counts an unhandled rejection as a failure, though every test passed', () => {
    const report = reportOf('unhandled');
    expect(report.failed).toBe(0);
    expect(countReport(report)).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(failureLines(report)).toEqual([expect.stringMatching(/^unhandled: .*rejected after the test returned/)]);
  });

  it('counts a run that executed no test as a failure', () => {
    const empty: TestCounts = {
      passed: 0,
      failed: 0,
      skipped: 0,
      failedTests: [],
      brokenFiles: [],
      unhandledErrors: [],
    };
    expect(countReport(empty)).toEqual({ passed: 0, failed: 1, skipped: 0 });
  });
});
