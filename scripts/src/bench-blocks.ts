import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import type { Example } from './catalog.js';
import { listFiles } from './recipe-layout.js';

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

/**
 * The cores that other work may use on average, before or during a bench, before its numbers say
 * more about the neighbours than the code: a quarter of the machine (COOKBOOK_BENCH_MAX_LOAD overrides).
 */
export function busyThreshold(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const fromEnv = Number(env.COOKBOOK_BENCH_MAX_LOAD);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : cores / 4;
}

/** Why a bench's table must not be written, or undefined when the neighbours stayed quiet throughout. */
export function busyReason(before: number, during: number, threshold: number): string | undefined {
  if (Math.max(before, during) <= threshold) return undefined;
  return `other processes kept the machine busy (${before.toFixed(2)} cores before the bench, ${during.toFixed(2)} during it; limit ${threshold})`;
}

/** The bench files of a package, or only those under the recipe folders named. */
export function benchFiles(example: Example, folders: readonly string[] = []): string[] {
  // Anywhere in the package: bench/<claim>.bench.ts, or next to the recipe it measures.
  return listFiles(example.dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => relative(example.dir, f))
    .filter((f) => folders.length === 0 || folders.some((folder) => f === folder || f.startsWith(`${folder}/`)))
    .sort();
}
