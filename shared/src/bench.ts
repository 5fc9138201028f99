import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Node version, CPU model and core count, and the date: the context every measured number needs. */
export function benchEnvironment(now = new Date()): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Node ${process.version}, ${cpu} × ${cpus().length}, ${now.toISOString().slice(0, 10)}`;
}

export type Cell = string | number;

/** A Markdown table; numbers get thousands separators and at most `digits` decimals. */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[], digits = 1): string {
  const format = (cell: Cell) =>
    typeof cell === 'number' ? cell.toLocaleString('en-US', { maximumFractionDigits: digits }) : cell;
  const lines = [header, header.map(() => '---'), ...rows.map((row) => row.map(format))];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** `0.42x`, `12x`: a ratio the way the READMEs print them. */
export function ratio(value: number, baseline: number): string {
  const r = value / baseline;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}x`;
}

/**
 * Prints a bench's result and, under `pnpm bench`, hands it to the harness (through the file in
 * COOKBOOK_BENCH_REPORT), which writes it into the README block `<!-- bench:<name> -->`.
 */
export function reportBench(name: string, markdown: string): void {
  const block = `${markdown.trim()}\n\n_Measured on ${benchEnvironment()}._`;
  console.log(`\n${block}\n`);
  const reportFile = process.env.COOKBOOK_BENCH_REPORT;
  if (reportFile) appendFileSync(reportFile, `${JSON.stringify({ name, markdown: block })}\n`);
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
