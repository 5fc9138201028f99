import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Example } from './catalog.js';
import { isCopyable, listFiles } from './recipe-layout.js';

/** A recipe file's score must reach this share of detected mutants (the goal of the testing chapter). */
export const SCORE_GOAL = 90;

/** One row of a package README's mutation table: a file's mutants by outcome, and what they ran on. */
export interface FileScore {
  file: string;
  killed: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  digest: string;
  date: string;
}

/** The files a package's mutation table covers: the copyable code of its recipes and shared parts. */
export function mutatedFiles(example: Example, folders: readonly string[] = []): string[] {
  return (
    listFiles(example.dir)
      .map((path) => relative(example.dir, path))
      // Recipe and shared-part folders only: not vitest.config.ts or src/main.ts at the package's top.
      .filter((path) => path.includes('/') && isCopyable(path) && !/^(src|bench|test)\//.test(path))
      // A folder, or a deeper path: `app/api` or one file, for a big folder whose files changed alone.
      .filter((path) => folders.length === 0 || folders.some((f) => path === f || path.startsWith(`${f}/`)))
      .sort()
  );
}

/** A digest of one file, kept in its row, so a score older than its source can be told apart. */
export function fileDigest(example: Example, file: string): string {
  return createHash('sha256')
    .update(readFileSync(join(example.dir, file)))
    .digest('hex')
    .slice(0, 10);
}

export function percentOf(row: Pick<FileScore, 'killed' | 'survived' | 'noCoverage'>): number | undefined {
  const total = row.killed + row.survived + row.noCoverage;
  return total === 0 ? undefined : (100 * row.killed) / total;
}

interface StrykerReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Stryker's JSON report as rows; killed and timed-out mutants both count as detected. */
export function rowsFromReport(
  example: Example,
  report: StrykerReport,
  date: string,
  mutated?: readonly string[],
): FileScore[] {
  const entries = Object.entries(report.files).map(
    ([path, { mutants }]) =>
      [relative(example.dir, isAbsolute(path) ? path : join(example.dir, path)), mutants] as const,
  );
  // Stryker's report also holds the files its incremental file remembers from earlier runs: those
  // results are not this run's, and may be older than a run made since without the incremental file.
  const fresh = mutated ? entries.filter(([file]) => mutated.includes(file)) : entries;
  return fresh.map(([file, mutants]) => {
    const count = (...statuses: string[]) => mutants.filter((m) => statuses.includes(m.status)).length;
    return {
      file,
      killed: count('Killed', 'Timeout'),
      survived: count('Survived'),
      noCoverage: count('NoCoverage'),
      ignored: count('Ignored'),
      digest: fileDigest(example, file),
      date,
    };
  });
}

const ROW = /^\| `([^`]+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| [^|]+ \| ([0-9a-f]{10}) \| (\d{4}-\d\d-\d\d) \|$/;

export function parseScores(block: string): FileScore[] {
  return block.split('\n').flatMap((line) => {
    const m = ROW.exec(line.trim());
    if (!m) return [];
    const [file, killed, survived, noCoverage, ignored, digest, date] = m.slice(1) as [string, ...string[]];
    return [
      {
        file,
        killed: Number(killed),
        survived: Number(survived),
        noCoverage: Number(noCoverage),
        ignored: Number(ignored),
        digest: digest ?? '',
        date: date ?? '',
      },
    ];
  });
}

/** What stands between the README's mutation markers, or undefined when it has none. */
export function mutationBlock(readme: string): string | undefined {
  const match = /<!-- mutation:start -->\n([\s\S]*?)<!-- mutation:end -->/.exec(readme);
  return match?.[1];
}

const score = (row: Pick<FileScore, 'killed' | 'survived' | 'noCoverage'>) => {
  const percent = percentOf(row);
  if (percent === undefined) return 'no mutants';
  const text = `${percent.toFixed(1)}%`;
  return percent < SCORE_GOAL ? `**${text}**` : text;
};

/** The table a package README shows: one row per file, the package total, files under the goal in bold. */
export function renderScores(rows: readonly FileScore[], command: string): string {
  const sum = (key: 'killed' | 'survived' | 'noCoverage' | 'ignored') => rows.reduce((n, r) => n + r[key], 0);
  const total = { killed: sum('killed'), survived: sum('survived'), noCoverage: sum('noCoverage') };
  return [
    `Mutation score **${score(total).replaceAll('*', '')}**: ${total.killed} of ${total.killed + total.survived + total.noCoverage} mutants killed or timed out, ${sum('ignored')} ignored as equivalent (each with a \`Stryker disable\` comment saying why). Files under ${SCORE_GOAL}% are in bold. _StrykerJS 10 against the package's real tests and services: \`${command}\`._`,
    '',
    '| file | killed | survived | no coverage | ignored | score | sources | run on |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...[...rows]
      .sort((a, b) => a.file.localeCompare(b.file))
      .map(
        (r) =>
          `| \`${r.file}\` | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${r.ignored} | ${score(r)} | ${r.digest} | ${r.date} |`,
      ),
  ].join('\n');
}

/** Rows of the new run replace those of the same files; rows of files that no longer exist go. */
export function mergeScores(old: readonly FileScore[], fresh: readonly FileScore[], files: readonly string[]) {
  const byFile = new Map(old.map((row) => [row.file, row]));
  for (const row of fresh) byFile.set(row.file, row);
  return [...byFile.values()].filter((row) => files.includes(row.file));
}

/**
 * What the catalog check finds in a package's mutation table. `missing`, a package with copyable
 * code and no table at all, and `stale`, rows older than their file (the README would show a score
 * for code that is no longer there), fail it. `unscored`, copyable files with no row yet, it lists
 * with the command that scores them.
 */
export function mutationProblems(example: Example): { missing: string[]; stale: string[]; unscored: string[] } {
  const where = `examples/${example.folder}/README.md`;
  const readmePath = join(example.dir, 'README.md');
  const block = existsSync(readmePath) ? mutationBlock(readFileSync(readmePath, 'utf8')) : undefined;
  const fix = (folder: string) => `run \`pnpm mutate ${example.slug} ${folder}\``;
  const rows = new Map(parseScores(block ?? '').map((row) => [row.file, row]));
  const stale: string[] = [];
  const unscored: string[] = [];
  for (const file of mutatedFiles(example)) {
    const row = rows.get(file);
    const folder = file.split('/')[0] as string;
    if (!row) unscored.push(`${where}: ${file} has no mutation score; ${fix(folder)}`);
    else if (row.digest !== fileDigest(example, file))
      stale.push(`${where}: the mutation score of ${file} is older than the file; ${fix(folder)}`);
  }
  const missing =
    block === undefined && unscored.length > 0
      ? [`${where}: no mutation score at all; run \`pnpm mutate ${example.slug} <folder>\` on a recipe it proves`]
      : [];
  return { missing, stale, unscored };
}
