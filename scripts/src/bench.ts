import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { resolveServices } from '@cookbook/shared';
import { fillBenchBlocks, parseReports } from './bench-blocks.js';
import { type Example, findExample, loadCatalog, ROOT } from './catalog.js';
import { packageReadmes } from './docs.js';
import { listFiles } from './recipe-layout.js';

/**
 * `pnpm bench [name]`: runs each `bench/*.bench.ts` of one example (or all), then writes the tables
 * they report into the README's `<!-- bench:… -->` blocks with the Node version, CPU and date.
 */
async function benchExample(example: Example): Promise<boolean> {
  // Anywhere in the package: bench/<claim>.bench.ts, or next to the recipe it measures.
  const files = listFiles(example.dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => relative(example.dir, f))
    .sort();
  if (files.length === 0) return true;
  const services = await resolveServices(example.services);
  const workDir = mkdtempSync(join(tmpdir(), 'cookbook-bench-'));
  const reportFile = join(workDir, 'reports.jsonl');
  writeFileSync(reportFile, '');
  let ok = true;
  try {
    for (const file of files) {
      console.log(`\n▶ ${example.slug}: ${file}`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', file], {
        cwd: example.dir,
        stdio: 'inherit',
        env: {
          ...process.env,
          COOKBOOK_BENCH_REPORT: reportFile,
          ...(services.databaseUrl ? { DATABASE_URL: services.databaseUrl } : {}),
          ...(services.redisUrl ? { REDIS_URL: services.redisUrl } : {}),
          ...(services.amqpUrl ? { AMQP_URL: services.amqpUrl } : {}),
        },
      });
      if (run.status !== 0) {
        console.error(`${example.slug}/${file} failed (exit ${run.status}); its README block is left as it was`);
        ok = false;
      }
    }
    // Each report goes into whichever README of the package holds its block.
    let missing = parseReports(readFileSync(reportFile, 'utf8'));
    for (const readmePath of packageReadmes(example)) {
      const before = readFileSync(readmePath, 'utf8');
      const filled = fillBenchBlocks(before, missing);
      missing = missing.filter((report) => filled.missing.includes(report.name));
      if (filled.readme !== before) {
        writeFileSync(readmePath, filled.readme);
        console.log(`bench: wrote results into ${relative(ROOT, readmePath)}`);
      }
    }
    for (const report of missing)
      console.error(`no README of ${example.folder} has a <!-- bench:${report.name} --> block`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await services.stop();
  }
  return ok;
}

async function main(argv: readonly string[]): Promise<number> {
  const { examples } = loadCatalog();
  let chosen = examples;
  if (argv.includes('--here')) {
    chosen = examples.filter((e) => e.dir === process.cwd());
  } else if (argv[0]) {
    const example = findExample(examples, argv[0]);
    if (!example) {
      console.error(`No example named "${argv[0]}"; run \`pnpm example\` to list them.`);
      return 2;
    }
    chosen = [example];
  }
  let ok = true;
  for (const example of chosen) ok = (await benchExample(example)) && ok;
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
