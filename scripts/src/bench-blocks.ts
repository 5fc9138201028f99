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
