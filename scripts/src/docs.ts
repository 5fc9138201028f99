import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isMain } from '@cookbook/shared';
import { type Example, loadCatalog, ROOT } from './catalog.js';
import { unsupportedRatios } from './prose-numbers.js';
import { listFiles } from './recipe-layout.js';
import { fillBlock, fillRegions, RegionError, readRelative } from './regions.js';
import { examplesTable } from './table.js';

interface DocFile {
  path: string;
  current: string;
  expected: string;
}

/** Every README of a package: its index and one per recipe (or shared part). */
export function packageReadmes(example: Example): string[] {
  return listFiles(example.dir).filter((path) => path.endsWith('/README.md'));
}

/**
 * Every README as `pnpm run docs` would write it: source regions filled in (a region's path is
 * relative to the README's own folder), the root table regenerated.
 */
export function expectedDocs(examples: readonly Example[], root = ROOT, only: readonly string[] = []): DocFile[] {
  const files: DocFile[] = [];
  for (const example of examples.filter((e) => only.length === 0 || only.includes(e.folder))) {
    for (const path of packageReadmes(example)) {
      const current = readFileSync(path, 'utf8');
      files.push({ path, current, expected: fillRegions(current, readRelative(dirname(path)), relative(root, path)) });
    }
  }
  const rootReadme = join(root, 'README.md');
  const current = readFileSync(rootReadme, 'utf8');
  const withTable = fillBlock(current, 'examples', examplesTable(examples), 'README.md');
  files.push({ path: rootReadme, current, expected: fillRegions(withTable, readRelative(root), 'README.md') });
  return files;
}

/** `pnpm run docs [--check] [folder…]`: all READMEs, or those of the named example folders. */
const USAGE = `usage: pnpm run docs [--check] [folder…]
  Refills every README's code regions from their sources and the root README's example table
  (only the named example folders' READMEs when given). --check writes nothing and fails on drift,
  and on a ratio in prose that no bench table of its README shows.`;

/** Folders whose sources a \`pnpm mutate\` run is rewriting in place right now (Stryker's backups). */
function mutating(root = ROOT): string[] {
  const dir = join(root, '.cache/stryker-tmp');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((folder) => readdirSync(join(dir, folder)).some((f) => f.startsWith('backup-')));
}

function main(): void {
  const flags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
  if (flags.some((flag) => flag !== '--check')) {
    console.log(USAGE);
    process.exitCode = flags.includes('--help') || flags.includes('-h') ? 0 : 2;
    return;
  }
  const check = flags.includes('--check');
  const only = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const busy = mutating().filter((folder) => only.length === 0 || only.includes(folder));
  if (busy.length > 0) {
    // Regions would be filled from mutated code.
    console.error(
      `docs: \`pnpm mutate\` is rewriting the sources of ${busy.join(', ')}; run this after it ends (or, if no run is going, restore from and delete .cache/stryker-tmp/<folder>/backup-*)`,
    );
    process.exitCode = 1;
    return;
  }
  // Named folders limit which READMEs are looked at; the root table is always built from every example.
  const stale = expectedDocs(loadCatalog().examples, ROOT, only).filter((file) => file.current !== file.expected);
  if (check) {
    const unsupported = expectedDocs(loadCatalog().examples, ROOT, only).flatMap((file) =>
      unsupportedRatios(file.current).map(
        ({ figure, line }) => `  ${relative(ROOT, file.path)}: ${figure} in "${line}"`,
      ),
    );
    if (unsupported.length > 0) {
      console.error(
        'docs: prose quotes ratios that no bench table of its README shows; quote the table or drop the figure:',
      );
      for (const line of unsupported) console.error(line);
      process.exitCode = 1;
    }
    if (stale.length === 0) {
      if (unsupported.length === 0)
        console.log('docs: every README matches its sources, and its prose its bench tables');
      return;
    }
    console.error('docs: these READMEs differ from their sources; run `pnpm run docs` and commit the result:');
    for (const file of stale) console.error(`  ${relative(ROOT, file.path)}`);
    process.exitCode = 1;
    return;
  }
  for (const file of stale) {
    writeFileSync(file.path, file.expected);
    console.log(`docs: updated ${relative(ROOT, file.path)}`);
  }
  if (stale.length === 0) console.log('docs: nothing to update');
}

if (isMain(import.meta.url)) {
  try {
    main();
  } catch (error) {
    // A README naming a region or file that is gone is the author's to fix, not a crash to debug.
    if (!(error instanceof RegionError)) throw error;
    console.error(`docs: ${error.message}`);
    process.exitCode = 1;
  }
}
