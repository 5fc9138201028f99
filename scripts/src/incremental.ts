import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Example, ROOT } from './catalog.js';
import { listFiles } from './recipe-layout.js';

interface IncrementalMutant {
  static?: boolean;
  status: string;
}

interface IncrementalReport {
  files: Record<string, { mutants: IncrementalMutant[] }>;
}

/**
 * Drops from Stryker's incremental file every static mutant (module-level code: a regex, an exported
 * constant) that was not detected, so the next run tests it again. Stryker reuses a mutant's result
 * unless its code or a test covering it changed, and no test "covers" a static mutant: a new test
 * file that kills one (09's logger.ts secret-key pattern) left its old "Survived" standing. Detected
 * ones stay: a test that is added cannot make a killed mutant survive. Returns how many it dropped.
 */
export function retestStaticSurvivors(incrementalFile: string): number {
  if (!existsSync(incrementalFile)) return 0;
  const report = JSON.parse(readFileSync(incrementalFile, 'utf8')) as IncrementalReport;
  let dropped = 0;
  for (const file of Object.values(report.files)) {
    const kept = file.mutants.filter((m) => !m.static || m.status === 'Killed' || m.status === 'Timeout');
    dropped += file.mutants.length - kept.length;
    file.mutants = kept;
  }
  writeFileSync(incrementalFile, JSON.stringify(report));
  return dropped;
}

/**
 * Stryker's incremental file tests a mutant again only when its code or a test file changed. A
 * module the tests import (a `test/` folder's helper, `@cookbook/shared`) is neither, so a stronger
 * assertion there left the old "Survived" standing. This digest of those modules says when the
 * incremental file can no longer be trusted.
 */
export function testSupportDigest(example: Example, sharedDir = join(ROOT, 'shared/src')): string {
  const hash = createHash('sha256');
  const helpers = listFiles(example.dir).filter((path) => /(^|\/)test\/.*\.ts$/.test(relative(example.dir, path)));
  for (const path of [...helpers.sort(), ...listFiles(sharedDir).sort()]) hash.update(path).update(readFileSync(path));
  return hash.digest('hex');
}
