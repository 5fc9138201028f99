import { availableParallelism } from 'node:os';

export interface BenchReport {
  name: string;
  markdown: string;
}

/** Writes each report into its README block `<!-- bench:name -->` … `<!-- /bench -->`; returns names with no block. */
export function fillBenchBlocks(
  readme: string,
  reports: readonly BenchReport[],
): { readme: string; missing: string[] } {
  const missing: string[] = [];
  let result = readme;
  for (const report of reports) {
    const block = new RegExp(`(<!-- bench:${escapeRegExp(report.name)} -->\\n)[\\s\\S]*?(<!-- /bench -->)`);
    if (!block.test(result)) {
      missing.push(report.name);
      continue;
    }
    result = result.replace(block, (_all, open: string, close: string) => `${open}${report.markdown.trim()}\n${close}`);
  }
  return { readme: result, missing };
}

export function parseReports(lines: string): BenchReport[] {
  return lines
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as BenchReport);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The one-minute load average past which a measurement says more about the neighbours than the code. */
export function busyThreshold(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const fromEnv = Number(env.COOKBOOK_BENCH_MAX_LOAD);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : cores / 2;
}

/** Why a bench's table must not be written, or undefined when the machine was quiet throughout. */
export function busyReason(before: number, after: number, threshold: number): string | undefined {
  const worst = Math.max(before, after);
  if (worst <= threshold) return undefined;
  return `the machine was busy (load average ${before.toFixed(2)} before, ${after.toFixed(2)} after; limit ${threshold})`;
}
