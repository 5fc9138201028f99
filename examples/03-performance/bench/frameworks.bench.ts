// Requests/s for the same GET /hello on node:http, Fastify and Express (with and without its
// default ETag), loaded one after another, the server and the load generator on separate CPUs.

import { withServer } from '@cookbook/shared';
import { type BenchLimit, markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { createExpressHelloApp, createFastifyHelloApp, createNodeHelloServer } from '../frameworks/frameworks.js';
import { type LoadResult, load, pinServerAwayFromLoad, SECONDS } from './load.js';

const placement = pinServerAwayFromLoad();
const hello = (url: string) => load(`${url}/hello`, placement);
const results: [string, LoadResult][] = [];
results.push(['node:http', await withServer(createNodeHelloServer(), hello)]);
const fastify = createFastifyHelloApp();
await fastify.ready();
results.push(['Fastify 5', await withServer(fastify.server, hello)]);
await fastify.close();
results.push(['Express 5 (default: ETag on)', await withServer(createExpressHelloApp(), hello)]);
results.push(["Express 5, set('etag', false)", await withServer(createExpressHelloApp({ etag: false }), hello)]);

const rate = (name: string) => results.find(([n]) => n === name)?.[1].requestsPerSecond ?? Number.NaN;
const platform = rate('node:http');
// A framework runs on node:http: its hello cannot outrun the platform's own.
const limits: BenchLimit[] = results.slice(1).map(([name, r]) => ({
  figure: name,
  measured: r.requestsPerSecond,
  limit: platform,
  because: "node:http's hello",
  unit: ' req/s',
}));
const etagCost = ratio(rate("Express 5, set('etag', false)"), rate('Express 5 (default: ETag on)'));
reportBench(
  'frameworks',
  `${markdownTable(
    ['server', 'requests/s', 'p99 latency (ms)', 'vs node:http', 'errors'],
    results.map(([name, r]) => [name, r.requestsPerSecond, r.p99Ms, ratio(r.requestsPerSecond, platform), r.non2xx]),
    0,
  )}\n\nTurning off Express's ETag: ${etagCost} the requests/s of its default. autocannon, 10 connections, ${SECONDS} s per server after 1 s of warm-up; ${placement.note}.`,
  limits,
);
