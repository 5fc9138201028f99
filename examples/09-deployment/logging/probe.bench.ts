// What the per-request log line costs, against Express's own hello in the same setup (issue 17's
// goal: the recipe's probe route at ≥ 0.9x of it). Each variant is a server process of its own
// (test/bench-server.ts) pinned to one core, the load generator to the other.
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { measureRounds, type Variant } from '../test/bench-run.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VARIANTS: Variant[] = [
  { name: "Express's hello", env: { VARIANT: 'express-hello' } },
  { name: 'hello + a request line each', env: { VARIANT: 'express-logged' } },
  // The service's chain in front of the probe, one part at a time: what each costs alone.
  { name: 'hello + helmet', env: { VARIANT: 'hello+helmet' } },
  { name: 'hello + the request deadline', env: { VARIANT: 'hello+deadline' } },
  { name: 'hello + the 5xx reporter', env: { VARIANT: 'hello+reporter' } },
  { name: 'hello + request logging (probe skipped)', env: { VARIANT: 'hello+logging' } },
  { name: 'the service, /health/live', env: { VARIANT: 'service' } },
];

const results = await measureRounds(VARIANTS, '/health/live', { requests: REQUESTS, rounds: ROUNDS });
const hello = results.get(VARIANTS[0]?.name ?? '');
const rows = VARIANTS.map(({ name }) => {
  const r = results.get(name);
  const cpu = r?.cpu ?? Number.NaN;
  return [
    name,
    r?.rps ?? Number.NaN,
    ratio(r?.rps ?? Number.NaN, hello?.rps ?? Number.NaN),
    cpu,
    ratio(cpu, hello?.cpu ?? Number.NaN),
  ];
});
reportBench(
  'probe',
  `${markdownTable(['server', 'req/s', 'vs hello', 'CPU µs/req', 'CPU vs hello'], rows)}\n\n` +
    `${REQUESTS.toLocaleString('en-US')} GETs of /health/live per run after a warm-up, 16 in flight, medians of ${ROUNDS} ` +
    'interleaved rounds; server and load generator pinned to one core each. The request line goes through ' +
    'winston to /dev/null. The service skips the line for a passing probe and sends no ETag. CPU is the ' +
    "server process's own per request, which holds on a busy machine where req/s does not.",
);
