import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMain, resolveServices } from '@cookbook/shared';
import { benchFiles, busyReason, busyThreshold, fillBenchBlocks, parseReports } from './bench-blocks.js';
import { type Example, findExample, loadCatalog, ROOT } from './catalog.js';
import { ChildGroup } from './child-group.js';
import { packageReadmes } from './docs.js';
import { ForeignLoad } from './foreign-load.js';

const USAGE = `usage:
  pnpm bench <name>    run the benches of one example and write their tables into its READMEs
  pnpm bench <name> <folder…>   only the benches under those recipe folders (e.g. deployment logging),
                                or those files (performance bench/caching.bench.ts)
  pnpm bench --all     every example's benches, one after another (tens of minutes)
  pnpm bench           list what would run
A table is written only when other processes left the machine quiet before and during its bench:
they may use a quarter of the cores on average (COOKBOOK_BENCH_MAX_LOAD overrides); the bench's own
processes and the services it drives do not count. Ctrl-C stops the bench.`;

const group = new ChildGroup();

/**
 * Runs each bench file of one example, then writes the tables they report into the README
 * blocks `<!-- bench:… -->` with the Node version, CPU and date, unless the machine was busy.
 */
async function benchExample(example: Example, folders: readonly string[] = []): Promise<boolean> {
  const files = benchFiles(example, folders);
  if (files.length === 0) {
    if (folders.length > 0) console.error(`${example.slug} has no bench under ${folders.join(', ')}`);
    return folders.length === 0;
  }
  const services = await resolveServices(example.services);
  const workDir = mkdtempSync(join(tmpdir(), 'cookbook-bench-'));
  const reportFile = join(workDir, 'reports.jsonl');
  writeFileSync(reportFile, '');
  let ok = true;
  try {
    for (const file of files) {
      if (group.interrupted) break;
      console.log(`\n▶ ${example.slug}: ${file}`);
      const fileReport = join(workDir, 'file.jsonl');
      writeFileSync(fileReport, '');
      const loadBefore = loadavg()[0] ?? 0;
      const idle = new ForeignLoad().start();
      await sleep(3_000);
      const during = new ForeignLoad().start();
      const before = idle.stop();
      const code = await group.run(process.execPath, ['--import', 'tsx', file], {
        cwd: example.dir,
        env: {
          ...process.env,
          COOKBOOK_BENCH_REPORT: fileReport,
          ...(services.databaseUrl ? { DATABASE_URL: services.databaseUrl } : {}),
          ...(services.redisUrl ? { REDIS_URL: services.redisUrl } : {}),
          ...(services.amqpUrl ? { AMQP_URL: services.amqpUrl } : {}),
        },
      });
      const foreign = during.stop();
      // Without /proc (macOS), the load average before and after is the best there is.
      const busy =
        before === undefined || foreign === undefined
          ? busyReason(loadBefore, loadavg()[0] ?? 0, availableParallelism() / 2)
          : busyReason(before, foreign, busyThreshold());
      if (foreign !== undefined) console.log(`other processes used ${foreign.toFixed(2)} cores during the bench`);
      if (code !== 0) {
        console.error(`${example.slug}/${file} failed (exit ${code}); its README block is left as it was`);
        ok = false;
      } else if (busy) {
        console.error(`${example.slug}/${file}: not written, ${busy}; rerun on a quiet machine`);
        ok = false;
      } else {
        writeFileSync(reportFile, readFileSync(reportFile, 'utf8') + readFileSync(fileReport, 'utf8'));
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
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let chosen: Example[];
  let folders: string[] = [];
  if (argv.includes('--here')) {
    chosen = examples.filter((e) => e.dir === process.cwd());
  } else if (argv.includes('--all')) {
    chosen = examples;
  } else if (argv[0]) {
    const example = findExample(examples, argv[0]);
    if (!example) {
      console.error(`No example named "${argv[0]}"; run \`pnpm example\` to list them.`);
      return 2;
    }
    chosen = [example];
    folders = argv.slice(1).filter((arg) => !arg.startsWith('--'));
  } else {
    console.log("pnpm bench <name> runs one example's benches; pnpm bench --all runs these:");
    for (const example of examples) {
      const files = benchFiles(example);
      if (files.length > 0) console.log(`  ${example.slug.padEnd(16)} ${files.join(', ')}`);
    }
    return 0;
  }
  let ok = true;
  for (const example of chosen) if (!group.interrupted) ok = (await benchExample(example, folders)) && ok;
  if (group.interrupted) return 130;
  return ok ? 0 : 1;
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
