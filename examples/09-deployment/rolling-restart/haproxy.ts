import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';

/** One server's line of `show stat`: its state as HAProxy sees it, and what it has done. */
export interface ServerStat {
  name: string;
  /** UP, DOWN, MAINT, or a transition such as `UP 1/2` (one failed probe of two). */
  status: string;
  /** Connection retries and redispatches: a drain that works needs neither. */
  retries: number;
  redispatches: number;
}

export interface Haproxy {
  stats(): Promise<ServerStat[]>;
  /** Resolves once `server` is reported in `status`; fails naming what it saw after `timeoutMs`. */
  waitFor(server: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** Soft stop (SIGUSR1): stop listening, let open requests finish, exit; SIGKILL if it does not. */
  stop(): Promise<void>;
}

/** Sends one command to the runtime API and returns its whole answer (the socket closes after it). */
export async function runtimeCommand(socketPath: string, command: string): Promise<string> {
  const socket = connect(socketPath);
  socket.setEncoding('utf8');
  let answer = '';
  socket.on('data', (chunk: string) => {
    answer += chunk;
  });
  await once(socket, 'connect');
  socket.end(`${command}\n`);
  await once(socket, 'close');
  return answer;
}

/** The server rows of `show stat` (CSV with a `# pxname,svname,…` header), by column name, not position. */
export function parseServerStats(csv: string, backend: string): ServerStat[] {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (cells: string[], name: string) => cells[columns.indexOf(name)] ?? '';
  return rows
    .map((row) => row.split(','))
    .filter((cells) => at(cells, 'pxname') === backend && !['FRONTEND', 'BACKEND'].includes(at(cells, 'svname')))
    .map((cells) => ({
      name: at(cells, 'svname'),
      status: at(cells, 'status'),
      retries: Number(at(cells, 'wretr')),
      redispatches: Number(at(cells, 'wredis')),
    }));
}

/**
 * Writes `config` and runs HAProxy in the foreground as a child process; resolves once its runtime
 * API answers. A config HAProxy refuses fails here with HAProxy's own words.
 */
export async function startHaproxy(options: {
  config: string;
  configPath: string;
  statsSocket: string;
  backend: string;
  binary?: string;
}): Promise<Haproxy> {
  const { configPath, statsSocket, backend, binary = 'haproxy' } = options;
  await writeFile(configPath, options.config);
  const child: ChildProcess = spawn(binary, ['-db', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close', not 'exit': by then stderr is read to its end, so a refusal is quoted whole.
  let closed = false;
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  child.once('error', (error) => {
    stderr += `${error.message} (install the Debian package haproxy, or pass its path as binary)`;
  });
  const stats = async () => parseServerStats(await runtimeCommand(statsSocket, 'show stat'), backend);
  const alive = () => !closed && !stderr.includes('install the');
  await poll(
    async () =>
      alive()
        ? stats().then(
            () => true,
            () => false,
          )
        : fail(`haproxy did not start: ${stderr}`),
    10_000,
    'haproxy runtime API',
  );
  return {
    stats,
    async waitFor(server, status, timeoutMs = 20_000) {
      let seen = '';
      await poll(
        async () => {
          seen = (await stats()).find((s) => s.name === server)?.status ?? 'no such server';
          return seen === status;
        },
        timeoutMs,
        () => `${server} to be ${status} (last seen: ${seen})`,
      );
    },
    async stop() {
      if (closed) return;
      child.kill('SIGUSR1');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** Re-checks a state every 20 ms: HAProxy's runtime API reports it, nothing pushes it. */
async function poll(check: () => Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
