import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { resolveServices } from '@cookbook/shared';
import { fillBenchBlocks, parseReports } from './bench-blocks.js';
import { type Example, findExample, loadCatalog, ROOT } from './catalog.js';

/**
 * `pnpm bench [name]`: runs each `bench/*.bench.ts` of one example (or all), then writes the tables
 * they report into the README's `<!-- bench:… -->` blocks with the Node version, CPU and date.
 */
async function benchExample(example: Example): Promise<boolean> {
  const benchDir = join(example.dir, 'bench');
  const files = existsSync(benchDir)
    ? readdirSync(benchDir)
        .filter((f) => f.endsWith('.bench.ts'))
        .sort()
    : [];
  if (files.length === 0) return true;
  const services = await resolveServices(example.services);
  const workDir = mkdtempSync(join(tmpdir(), 'cookbook-bench-'));
  const reportFile = join(workDir, 'reports.jsonl');
  writeFileSync(reportFile, '');
  let ok = true;
  try {
    for (const file of files) {
      console.log(`\n▶ ${example.slug}: ${file}`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', join('bench', file)], {
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
    const readmePath = join(example.dir, 'README.md');
    const { readme, missing } = fillBenchBlocks(
      readFileSync(readmePath, 'utf8'),
      parseReports(readFileSync(reportFile, 'utf8')),
    );
    writeFileSync(readmePath, readme);
    for (const name of missing) console.error(`${relative(ROOT, readmePath)} has no <!-- bench:${name} --> block`);
    console.log(`bench: wrote results into ${relative(ROOT, readmePath)}`);
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
