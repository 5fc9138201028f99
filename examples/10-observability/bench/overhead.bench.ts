// What metrics and tracing cost in requests/s, against the same Express service bare. Each variant
// runs in its own server process; the load comes from a second process (load.ts: keep-alive
// node:http, 16 in flight); spans go over OTLP/HTTP to a sink in this process. All three share the
// machine's cores, so read the ratios, not the absolute numbers.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VARIANTS = [
  { name: 'bare', env: {} },
  { name: 'metrics', env: { METRICS: '1' } },
  { name: 'tracing, 100% sampled', env: { TRACE_RATIO: '1' } },
  { name: 'tracing, 10% sampled', env: { TRACE_RATIO: '0.1' } },
  // Not a setting to run with: it shows what tracing costs before any span is kept.
  { name: 'tracing, 0% sampled', env: { TRACE_RATIO: '0' } },
  { name: 'metrics + tracing 10%', env: { METRICS: '1', TRACE_RATIO: '0.1' } },
  // Where the unsampled cost goes: the same, without the Express instrumentation's per-layer wrappers.
  { name: 'tracing 10%, no Express instrumentation', env: { TRACE_RATIO: '0.1', TRACE_WITHOUT: 'express' } },
] as const;
const WORKLOADS = ['memory', 'postgres'] as const;

/** An OTLP endpoint that reads and drops what it is sent, counting the spans' bytes only. */
async function startSink(): Promise<{ endpoint: string; bytes: () => number; close: () => void }> {
  let bytes = 0;
  const sink = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  }).listen(0, '127.0.0.1');
  await once(sink, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(sink.address() as { port: number }).port}`,
    bytes: () => bytes,
    close: () => {
      sink.closeAllConnections();
      sink.close();
    },
  };
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) if (line.startsWith('{')) return line;
  throw new Error('the process ended without a JSON line');
}

const tsx = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawn(process.execPath, ['--import', 'tsx', new URL(file, import.meta.url).pathname, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

interface Run {
  rps: number;
  p99: number;
  cpu: number;
}

async function measure(env: NodeJS.ProcessEnv, sinkEndpoint: string): Promise<Run> {
  const server = tsx('./server.ts', [], { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sinkEndpoint });
  try {
    const { url, metricsUrl } = JSON.parse(await firstLine(server)) as { url: string; metricsUrl: string };
    // Prometheus' side of the cost: a scrape every second while the load runs.
    const scrapes = setInterval(() => void fetch(metricsUrl).then((r) => r.arrayBuffer()), 1_000);
    const load = tsx('./load.ts', [url, String(REQUESTS), '16']);
    const result = JSON.parse(await firstLine(load)) as {
      requestsPerSecond: number;
      p99Ms: number;
      cpuMicrosPerRequest: number;
    };
    clearInterval(scrapes);
    return { rps: result.requestsPerSecond, p99: result.p99Ms, cpu: result.cpuMicrosPerRequest };
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

const sink = await startSink();
const results = new Map<string, Run[]>();
const key = (workload: string, variant: string) => `${workload}/${variant}`;
// Round-robin, so a machine that gets busier during the run slows every variant alike.
for (let round = 1; round <= ROUNDS; round++) {
  for (const workload of WORKLOADS) {
    for (const variant of VARIANTS) {
      const run = await measure({ ...variant.env, WORKLOAD: workload }, sink.endpoint);
      results.set(key(workload, variant.name), [...(results.get(key(workload, variant.name)) ?? []), run]);
      console.log(
        `round ${round} ${workload.padEnd(8)} ${variant.name.padEnd(40)} ${run.rps.toFixed(0).padStart(6)} req/s, ${run.cpu.toFixed(0).padStart(4)} µs CPU/request`,
      );
    }
  }
}
sink.close();

const medianOf = (k: string, pick: (run: Run) => number) => median((results.get(k) ?? []).map(pick));
const rows = VARIANTS.map(({ name }) =>
  WORKLOADS.flatMap((workload) => {
    const rps = medianOf(key(workload, name), (r) => r.rps);
    const cpu = medianOf(key(workload, name), (r) => r.cpu);
    return [
      rps,
      cpu,
      ratio(
        cpu,
        medianOf(key(workload, 'bare'), (r) => r.cpu),
      ),
    ];
  }),
).map((cells, i) => [VARIANTS[i]?.name ?? '', ...cells]);
const header = [
  'service',
  'req/s, memory',
  'CPU µs/req',
  'CPU vs bare',
  'req/s, +1 query',
  'CPU µs/req',
  'CPU vs bare',
];
reportBench(
  'overhead',
  `${markdownTable(header, rows)}\n\n` +
    `${REQUESTS.toLocaleString('en-US')} GETs per run after a warm-up, 16 in flight, medians of ${ROUNDS} interleaved rounds. ` +
    'Express 5; "memory" answers JSON from memory (the worst case for relative cost), "+1 query" runs one ' +
    'Postgres SELECT per request. CPU is the server process’s own (user + system) per request, which holds ' +
    'when other processes load the machine; requests/s does not.',
);
