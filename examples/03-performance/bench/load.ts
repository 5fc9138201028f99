// Shared by the HTTP benches: load a URL with autocannon in a process of its own, on a CPU of its
// own when the bench pinned its server (they serve it with withServer).
import { execFile, execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type autocannon from 'autocannon';

/** Seconds each target is loaded: short, because eight benches share this machine. */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  bytesPerResponse: number;
}

/** Where the server and the load generator run, and the sentence the table says it in. */
export interface Placement {
  loadCpu?: number;
  note: string;
}

const SERVER_CPU = 0;
const LOAD_CPU = 1;
const generator = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

/**
 * Pins this process, every thread of it (the server, libuv's pool, V8's helpers), to CPU 0 and
 * sends the load generator to CPU 1, so neither steals the other's core. Without taskset or a
 * second core it says so, and the table carries that.
 */
export function pinServerAwayFromLoad(): Placement {
  if (availableParallelism() < 2) return unpinned('one core: server and load generator share it');
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(SERVER_CPU), String(process.pid)], { stdio: 'ignore' });
  } catch {
    return unpinned('taskset (util-linux) failed or is missing: server and load generator share the cores');
  }
  return { loadCpu: LOAD_CPU, note: `server pinned to CPU ${SERVER_CPU}, load generator to CPU ${LOAD_CPU} (taskset)` };
}

/** For a server that needs every core (a thread pool): the load generator is a process beside it. */
export function unpinned(note = `not pinned: server and load generator share the ${availableParallelism()} cores`) {
  return { note } satisfies Placement;
}

/** Loads `url` for SECONDS (after a second of warm-up) from the load generator's own process. */
export async function load(
  url: string,
  placement: Placement,
  options: Partial<autocannon.Options> = {},
): Promise<LoadResult> {
  const settings = JSON.stringify({ url, connections: 10, duration: SECONDS, ...options });
  const node = [process.execPath, generator, settings];
  const [file, ...args] =
    placement.loadCpu === undefined ? node : ['taskset', '-c', String(placement.loadCpu), ...node];
  const { stdout } = await promisify(execFile)(file as string, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as LoadResult;
}
