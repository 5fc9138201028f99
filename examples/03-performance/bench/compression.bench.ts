// GET /users (1000 users, ≈ 64 KiB of JSON) uncompressed, gzipped at each level, and in brotli: the
// bytes each sends and the requests/s it costs, the server on one CPU and the load generator on the other.

import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { withServer } from '@cookbook/shared';
import { type BenchLimit, markdownTable, reportBench } from '@cookbook/shared/bench';
import { Bench } from 'tinybench';
import { createUsersApp, GZIP_LEVEL } from '../compression/compression.js';
import { createExpressHelloApp } from '../frameworks/frameworks.js';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser } from '../users/user.js';
import { type LoadResult, load, pinServerAwayFromLoad, SECONDS } from './load.js';
import { opsPerSecond } from './stats.js';

const placement = pinServerAwayFromLoad();
const body = Buffer.from(JSON.stringify(sampleUsers(1000).map(toPublicUser)));
const LEVELS = [1, 2, 4, 6, 9];

// What the CPU alone allows: one compression per response, on the server's one CPU.
const codec = new Bench({ time: 500, warmup: true });
for (const level of LEVELS) codec.add(`gzip ${level}`, () => gzipSync(body, { level }));
codec.add('br', () => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }));
await codec.run();

interface Row {
  name: string;
  result: LoadResult;
  codecRate?: number;
}
const loadUsers = (level: number | undefined, encoding: string) =>
  withServer(createUsersApp({ compress: level !== undefined, level }), (url) =>
    load(`${url}/users`, placement, { headers: { 'accept-encoding': encoding } }),
  );
const hello = await withServer(createExpressHelloApp(), (url) => load(`${url}/hello`, placement));
const rows: Row[] = [{ name: 'no compression', result: await loadUsers(undefined, 'gzip') }];
for (const level of LEVELS) {
  const name = `gzip level ${level}${level === GZIP_LEVEL ? ' (the recipe)' : ''}${level === 6 ? ' (zlib default)' : ''}`;
  rows.push({ name, result: await loadUsers(level, 'gzip'), codecRate: opsPerSecond(codec, `gzip ${level}`) });
}
rows.push({
  name: 'brotli quality 4 (when offered br)',
  result: await loadUsers(GZIP_LEVEL, 'br'),
  codecRate: opsPerSecond(codec, 'br'),
});

// No route outruns its framework's hello, and no compressed route its compressor on one CPU:
// each row is held to the lower of the two.
const limits: BenchLimit[] = rows.map(({ name, result, codecRate = Number.POSITIVE_INFINITY }) => ({
  figure: name.replace(/ \(.*/, ''),
  measured: result.requestsPerSecond,
  limit: Math.min(hello.requestsPerSecond, codecRate),
  because: codecRate < hello.requestsPerSecond ? 'its compressor alone' : "Express's hello",
  unit: ' req/s',
}));
const plain = rows[0]?.result ?? hello;
reportBench(
  'compression',
  `${markdownTable(
    ['GET /users', 'bytes per response', 'vs none', 'requests/s', 'vs none', 'compressor alone (per s)', 'p99 (ms)'],
    [
      [
        "Express's hello (the limit)",
        Math.round(hello.bytesPerResponse),
        '',
        hello.requestsPerSecond,
        '',
        '',
        hello.p99Ms,
      ],
      ...rows.map(({ name, result, codecRate }) => [
        name,
        Math.round(result.bytesPerResponse),
        `${(result.bytesPerResponse / plain.bytesPerResponse).toFixed(3)}x`,
        result.requestsPerSecond,
        `${(result.requestsPerSecond / plain.requestsPerSecond).toFixed(2)}x`,
        codecRate === undefined ? '' : Math.round(codecRate),
        result.p99Ms,
      ]),
    ],
    0,
  )}\n\nautocannon, 10 connections, ${SECONDS} s each after 1 s of warm-up, over loopback (where bandwidth is free); ${placement.note}. "Compressor alone" is zlib compressing the same body in a loop on that CPU.`,
  limits,
);
