import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { median } from '@cookbook/shared/bench';

export interface Variant {
  name: string;
  env?: NodeJS.ProcessEnv;
  /** Node options before the server's entry, e.g. `--import ../telemetry/register.ts`. */
  nodeArgs?: string[];
}

export interface Measured {
  rps: number;
  cpu: number;
}

// Server on core 0, load generator on core 1, where there are two: they stop taking turns on one
// core, and req/s measures the server. Without taskset or a second core, both float.
const PIN = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');

function node(core: number, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const argv = [process.execPath, '--import', 'tsx', ...args];
  const [command, ...rest] = PIN ? ['/usr/bin/taskset', '-c', String(core), ...argv] : argv;
  return spawn(command as string, rest, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

async function firstJsonLine(child: ChildProcess): Promise<Record<string, unknown>> {
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    if (line.startsWith('{')) return JSON.parse(line) as Record<string, unknown>;
  }
  throw new Error('the process ended without a JSON line');
}

const here = (file: string) => new URL(file, import.meta.url).pathname;

/** One run: a fresh server process for `variant`, then `requests` GETs of `path`, 16 in flight. */
export async function measure(variant: Variant, path: string, requests: number): Promise<Measured> {
  const server = node(0, [...(variant.nodeArgs ?? []), here('./bench-server.ts')], variant.env ?? {});
  try {
    const { url } = (await firstJsonLine(server)) as { url: string };
    const load = node(1, [here('./bench-load.ts'), url, path, String(requests), '16'], {});
    const result = (await firstJsonLine(load)) as { requestsPerSecond: number; cpuMicrosPerRequest: number };
    return { rps: result.requestsPerSecond, cpu: result.cpuMicrosPerRequest };
  } finally {
    server.kill('SIGTERM');
    await once(server, 'exit');
  }
}

/** Every variant once per round, rounds interleaved so a machine getting busier slows them alike; medians. */
export async function measureRounds(
  variants: readonly Variant[],
  path: string,
  { requests, rounds }: { requests: number; rounds: number },
): Promise<Map<string, Measured>> {
  const runs = new Map<string, Measured[]>(variants.map((v) => [v.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      const run = await measure(variant, path, requests);
      runs.get(variant.name)?.push(run);
      console.log(
        `round ${round} ${variant.name.padEnd(32)} ${run.rps.toFixed(0).padStart(6)} req/s ${run.cpu.toFixed(0).padStart(5)} µs CPU/req`,
      );
    }
  }
  return new Map(
    [...runs].map(([name, list]) => [
      name,
      { rps: median(list.map((r) => r.rps)), cpu: median(list.map((r) => r.cpu)) },
    ]),
  );
}
