// What metrics and tracing cost the service (issue 18's goal: ≤ 10% of throughput at 10% sampling).
// The service's own route, /api/time (one Postgres query, one Redis INCR), in a server process per
// variant (test/bench-server.ts) pinned to one core, the load generator to the other; tracing
// is loaded by `--import ./register.ts` as in production, its spans posted over OTLP/HTTP to a sink here.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { measureRounds, type Variant } from '../test/bench-run.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** An OTLP endpoint that reads what it is sent and drops it. */
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
}).listen(0, '127.0.0.1');
await once(sink, 'listening');
const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const register = new URL('./register.ts', import.meta.url).pathname;
const traced = (ratioArg: string, env: NodeJS.ProcessEnv = {}): Pick<Variant, 'env' | 'nodeArgs'> => ({
  nodeArgs: ['--import', register],
  env: { ...env, OTEL_TRACES_SAMPLER_ARG: ratioArg, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
});
const VARIANTS: Variant[] = [
  { name: 'bare' },
  { name: 'metrics', env: { METRICS: '1' } },
  { name: 'tracing, 100% sampled', ...traced('1') },
  { name: 'tracing, 10% sampled', ...traced('0.1') },
  { name: 'metrics + tracing 10%', ...traced('0.1', { METRICS: '1' }) },
  // Not a setting to run with: what the instrumentation costs before any span is kept.
  { name: 'tracing, 0% sampled', ...traced('0') },
];

const results = await measureRounds(VARIANTS, '/api/time', { requests: REQUESTS, rounds: ROUNDS });
sink.closeAllConnections();
sink.close();
const bare = results.get('bare');
const rows = VARIANTS.map(({ name }) => {
  const r = results.get(name);
  const rps = r?.rps ?? Number.NaN;
  const cpu = r?.cpu ?? Number.NaN;
  return [name, rps, ratio(rps, bare?.rps ?? Number.NaN), cpu, ratio(cpu, bare?.cpu ?? Number.NaN)];
});
reportBench(
  'telemetry-cost',
  `${markdownTable(['service', 'req/s', 'vs bare', 'CPU µs/req', 'CPU vs bare'], rows)}\n\n` +
    `${REQUESTS.toLocaleString('en-US')} GETs of /api/time per run after a warm-up, 16 in flight, medians of ${ROUNDS} ` +
    'interleaved rounds; server and load generator pinned to one core each, Postgres and Redis floating. ' +
    'Metrics include a scrape every second; spans leave in batches over OTLP/HTTP.',
);
