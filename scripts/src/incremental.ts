import { existsSync, readFileSync, writeFileSync } from 'node:fs';

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
