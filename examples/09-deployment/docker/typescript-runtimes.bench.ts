// Three ways to run this TypeScript service in production, side by side: start-up to "listening"
// and resident memory once listening. Each run is a fresh process; runs are interleaved.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { resolveServices } from '@cookbook/shared';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import { strippableCopy } from './test/strippable-copy.js';

const RUNS = 7;
const root = fileURLToPath(new URL('..', import.meta.url));
/** Milliseconds from spawn to the "listening" line, and RSS (MiB, from /proc) at that moment. */
async function startOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; rssMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.includes('"message":"listening"')) break;
  }
  const ms = performance.now() - started;
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  child.stdout.resume();
  child.kill('SIGTERM');
  await exited;
  return { ms, rssMiB: rssKiB / 1024 };
}

execFileSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const copy = strippableCopy(root, `strip-bench-${process.pid}`);
const services = await resolveServices(['postgres', 'redis']);
try {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    DRAIN_DELAY_MS: '0',
  };
  const runners = [
    { name: '`tsc` build: `node dist/service/start.js` (the image)', args: ['dist/service/start.js'] },
    { name: "Node's type stripping: `node service/start.ts`", args: [join(relative(root, copy), 'service/start.ts')] },
    { name: 'tsx: `node --import tsx service/start.ts`', args: ['--import', 'tsx', 'service/start.ts'] },
  ];
  const results = runners.map(() => ({ ms: [] as number[], rss: [] as number[] }));
  for (let run = 0; run < RUNS; run += 1) {
    for (const [i, runner] of runners.entries()) {
      const { ms, rssMiB } = await startOnce(runner.args, env);
      results[i]?.ms.push(ms);
      results[i]?.rss.push(rssMiB);
    }
  }
  const base = results[0] as { ms: number[]; rss: number[] };
  reportBench(
    'typescript-runtimes',
    markdownTable(
      ['how it runs', 'start-up to listening (ms, median)', 'RSS listening (MiB, median)', 'start-up vs build'],
      runners.map((runner, i) => {
        const r = results[i] as { ms: number[]; rss: number[] };
        return [runner.name, median(r.ms), median(r.rss), ratio(median(r.ms), median(base.ms))];
      }),
      0,
    ),
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
  await services.stop();
}
