// fast-json-stringify vs JSON.stringify, on the seed's single user and on a 100-user array, on each
// Node line installed beside the repo (.cache/node22|24|26, as the handbook installs them): the gain
// moves with V8, so one line's number would not say which conclusion holds on another.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { Bench } from 'tinybench';
import { stringifyUser, stringifyUsers } from '../fast-json/fast-json.js';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser } from '../users/user.js';
import { opsPerSecond } from './stats.js';

const PAYLOADS = ['one user', '100 users'] as const;
type Measured = { node: string; payload: string; plain: number; fast: number }[];

/** One Node line's figures, measured in this process. */
async function measure(): Promise<Measured> {
  const users = sampleUsers(100).map(toPublicUser);
  const one = users[0] ?? { id: 1, name: 'x', email: 'x@example.com' };
  const bench = new Bench({ time: 1000, warmup: true });
  bench
    .add('one user: JSON.stringify', () => JSON.stringify(one))
    .add('one user: fast-json-stringify', () => stringifyUser(one))
    .add('100 users: JSON.stringify', () => JSON.stringify(users))
    .add('100 users: fast-json-stringify', () => stringifyUsers(users));
  await bench.run();
  return PAYLOADS.map((payload) => ({
    node: process.version,
    payload,
    plain: opsPerSecond(bench, `${payload}: JSON.stringify`),
    fast: opsPerSecond(bench, `${payload}: fast-json-stringify`),
  }));
}

/** This Node, then every other line installed under .cache/, one after another (never side by side). */
function nodeLines(): string[] {
  const others = ['node22', 'node24', 'node26']
    .map((line) => fileURLToPath(new URL(`../../../.cache/${line}/node_modules/.bin/node`, import.meta.url)))
    .filter((bin) => existsSync(bin));
  const version = (bin: string) => execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  return [process.execPath, ...others.filter((bin) => version(bin) !== process.version)];
}

if (process.env.FAST_JSON_MEASURE_ONLY) {
  console.log(JSON.stringify(await measure()));
} else {
  const rows: Measured = [];
  for (const node of nodeLines()) {
    const out = execFileSync(node, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      encoding: 'utf8',
      env: { ...process.env, FAST_JSON_MEASURE_ONLY: '1' },
    });
    rows.push(...(JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as Measured));
  }
  reportBench(
    'fast-json',
    `${markdownTable(
      ['Node', 'payload', 'JSON.stringify ops/s', 'fast-json-stringify ops/s', 'speed-up'],
      rows.map(({ node, payload, plain, fast }) => [node, payload, plain, fast, ratio(fast, plain)]),
      0,
    )}\n\ntinybench, 1 s per task after warm-up, each Node line in its own process, one after another.`,
  );
}
