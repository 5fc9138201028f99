import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { SerializedError } from 'vitest';
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

/** What `pnpm test` sums per package. Vitest's own JSON report says `success: true` beside an unhandled error. */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Each failed test as `file > suite > test`, so a run's closing lines say which one failed. */
  failedTests: string[];
  /** Files that failed with no failed test in them: they did not load, or a hook threw. */
  brokenFiles: string[];
  /** Errors no test caught: an unhandled rejection, an uncaught exception in a worker. */
  unhandledErrors: string[];
}

/** A vitest reporter that writes `TestCounts` as JSON, so no kind of failure is left out of the sum. */
export class CountReporter implements Reporter {
  private readonly outputFile: string;

  constructor(outputFile: string) {
    this.outputFile = outputFile;
  }

  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    // An interrupted run has no counts to report; `pnpm test` says so rather than sum half a run.
    if (reason === 'interrupted') return;
    const counts: TestCounts = {
      passed: 0,
      failed: 0,
      skipped: 0,
      failedTests: [],
      brokenFiles: [],
      unhandledErrors: [],
    };
    for (const module of modules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const { state } = test.result();
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') {
          failedHere++;
          counts.failedTests.push(`${relative(module.project.config.root, module.moduleId)} > ${test.fullName}`);
        } else counts.skipped++;
      }
      counts.failed += failedHere;
      if (module.state() === 'failed' && failedHere === 0) counts.brokenFiles.push(module.moduleId);
    }
    counts.unhandledErrors = unhandledErrors.map((error) => `${error.name ?? 'Error'}: ${error.message}`);
    writeFileSync(this.outputFile, `${JSON.stringify(counts, null, 2)}\n`);
  }
}
