import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * How busy the machine is with work that is not the bench's. The load average cannot tell: a bench
 * that keeps both cores busy raises it past any limit by itself. So the harness samples /proc and
 * counts the CPU time of every process that is neither its own descendant nor one of the services
 * the bench drives (a bench of a COPY keeps Postgres busy; that is its work, not a neighbour's).
 */

export interface ProcessSample {
  pid: number;
  ppid: number;
  comm: string;
  /** user + system CPU time so far, in clock ticks */
  ticks: number;
  /** resident set size, in pages (what /proc/<pid>/status calls VmRSS) */
  rssPages: number;
}

export type Snapshot = ReadonlyMap<number, ProcessSample>;

/** The daemons a bench drives: PostgreSQL, Redis, RabbitMQ (an Erlang VM) and its helpers. */
export const SERVICE_COMMANDS: ReadonlySet<string> = new Set([
  'postgres',
  'redis-server',
  'beam.smp',
  'epmd',
  'erl_child_setup',
  'inet_gethost',
]);

/** One line of /proc/<pid>/stat; the command sits in parentheses and may itself hold spaces. */
export function parseStat(line: string): ProcessSample | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = line.slice(close + 2).split(' ');
  // Fields 4, 14, 15 and 24 of proc(5), counted from the state (field 3) that follows the command.
  const [ppid, utime, stime, rssPages] = [fields[1], fields[11], fields[12], fields[21]].map(Number);
  if (ppid === undefined || utime === undefined || stime === undefined || rssPages === undefined) return undefined;
  if ([ppid, utime, stime, rssPages].some(Number.isNaN)) return undefined;
  const comm = line.slice(open + 1, close);
  return { pid: Number(line.slice(0, open)), ppid, comm, ticks: utime + stime, rssPages };
}

/** Every process of this machine, or undefined where there is no /proc (macOS). */
export function readProcesses(): Snapshot | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const snapshot = new Map<number, ProcessSample>();
  for (const pid of pids) {
    try {
      const sample = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (sample) snapshot.set(sample.pid, sample);
    } catch {
      // It exited between the listing and the read.
    }
  }
  return snapshot;
}

export function descendsFrom(pid: number, root: number, snapshot: Snapshot): boolean {
  for (let current: number | undefined = pid, hops = 0; current !== undefined && hops < 64; hops++) {
    if (current === root) return true;
    current = snapshot.get(current)?.ppid;
  }
  return false;
}

/** kthreadd and the kernel threads it starts: disk flushes and loopback softirqs a bench causes itself. */
const KERNEL_THREADS = 2;

/**
 * CPU ticks spent between two snapshots by processes that are neither `root`'s tree, a service, nor
 * the kernel's own threads.
 */
export function foreignTicks(before: Snapshot, after: Snapshot, root: number): number {
  let ticks = 0;
  for (const process of after.values()) {
    if (process.pid === KERNEL_THREADS || process.ppid === KERNEL_THREADS) continue;
    if (SERVICE_COMMANDS.has(process.comm) || descendsFrom(process.pid, root, after)) continue;
    const earlier = before.get(process.pid);
    // A pid that changed command was reused by a new process: all of its time is new.
    ticks += earlier && earlier.comm === process.comm ? process.ticks - earlier.ticks : process.ticks;
  }
  return ticks;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/**
 * Samples once a second from `start()` until `stop()`, which returns the cores the neighbours used
 * on average over that time, or undefined where /proc cannot be read.
 */
export class ForeignLoad {
  #timer: NodeJS.Timeout | undefined;
  #previous: Snapshot | undefined;
  #ticks = 0;
  #startedAt = 0;

  constructor(private readonly root: number = process.pid) {}

  start(): this {
    this.#previous = readProcesses();
    this.#ticks = 0;
    this.#startedAt = performance.now();
    this.#timer = setInterval(() => this.#sample(), 1_000).unref();
    return this;
  }

  stop(): number | undefined {
    clearInterval(this.#timer);
    this.#sample();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    if (this.#previous === undefined || seconds <= 0) return undefined;
    return this.#ticks / clockTicks() / seconds;
  }

  #sample(): void {
    const now = readProcesses();
    if (this.#previous && now) this.#ticks += foreignTicks(this.#previous, now, this.root);
    this.#previous = now;
  }
}
