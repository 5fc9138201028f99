// GET /users (1000 users, ≈ 64 KiB of JSON) with and without the compression middleware.

import { withServer } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { createUsersApp } from '../compression/compression.js';
import { type LoadResult, load, SECONDS } from './load.js';

const headers = { 'accept-encoding': 'gzip' };
const rows: [string, LoadResult][] = [
  ['no compression', await withServer(createUsersApp({ compress: false }), (url) => load(`${url}/users`, { headers }))],
  ['gzip level 6', await withServer(createUsersApp({ compress: true }), (url) => load(`${url}/users`, { headers }))],
];
const [plain, gzip] = rows.map(([, r]) => r);
reportBench(
  'compression',
  `${markdownTable(
    ['GET /users', 'bytes per response', 'requests/s', 'p99 latency (ms)'],
    rows.map(([name, r]) => [name, Math.round(r.bytesPerResponse), r.requestsPerSecond, r.p99Ms]),
    0,
  )}\n\ngzip sends ${ratio(plain?.bytesPerResponse ?? 1, gzip?.bytesPerResponse ?? 1)} fewer bytes at ${ratio(gzip?.requestsPerSecond ?? 0, plain?.requestsPerSecond ?? 1)} the requests/s. autocannon, 10 connections, ${SECONDS} s each, over loopback (where bandwidth is free): server and load generator share the 2 cores.`,
);
