// Requests/s for the same GET /hello on node:http, Fastify and Express, loaded one after another.

import { withServer } from '@cookbook/shared';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { createExpressHelloApp, createFastifyHelloApp, createNodeHelloServer } from '../frameworks/frameworks.js';
import { type LoadResult, load, SECONDS } from './load.js';

const results: [string, LoadResult][] = [];
results.push(['node:http', await withServer(createNodeHelloServer(), (url) => load(`${url}/hello`))]);
const fastify = createFastifyHelloApp();
await fastify.ready();
results.push(['Fastify 5', await withServer(fastify.server, (url) => load(`${url}/hello`))]);
results.push(['Express 5', await withServer(createExpressHelloApp(), (url) => load(`${url}/hello`))]);

const baseline = results[0]?.[1].requestsPerSecond ?? 1;
reportBench(
  'frameworks',
  `${markdownTable(
    ['server', 'requests/s', 'p99 latency (ms)', 'vs node:http', 'errors'],
    results.map(([name, r]) => [name, r.requestsPerSecond, r.p99Ms, ratio(r.requestsPerSecond, baseline), r.non2xx]),
    0,
  )}\n\nautocannon, 10 connections, ${SECONDS} s per server, load generator in a worker thread of the same process: server and load generator share the 2 cores.`,
);
