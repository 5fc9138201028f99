import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterEach } from 'vitest';
import { waitUntil } from './wait.js';

/**
 * Stops one Postgres backend with SIGSTOP: the server process of one connection is frozen, as in
 * a stalled VM or a server stuck on its disk, while every other connection goes on. Only the
 * test's own connection is touched, never the shared server. Any backend still paused when a test
 * ends is resumed, so a failed test cannot leave one frozen.
 */
export function usePausedBackends(pool: pg.Pool | (() => pg.Pool)): {
  pause(pid: number): void;
  /** Resumes every paused backend, and waits until those whose client is gone have exited. */
  resumeAll(): Promise<void>;
} {
  const paused = new Set<number>();
  const resumeAll = async () => {
    const pids = [...paused];
    paused.clear();
    for (const pid of pids) process.kill(pid, 'SIGCONT');
    const current = typeof pool === 'function' ? pool() : pool;
    await waitUntil(async () => {
      const { rows } = await current.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids]);
      return rows.length === 0;
    }, 'the resumed backends to see their client gone and exit');
  };
  afterEach(resumeAll);
  return {
    pause(pid) {
      // A pid from a Postgres in a container or on another host names some other process here.
      if (!processTitle(pid).startsWith('postgres')) {
        throw new Error(`backend ${pid} is not a postgres process on this machine: this test needs a local Postgres`);
      }
      try {
        process.kill(pid, 'SIGSTOP');
      } catch (error) {
        throw new Error(`pausing backend ${pid} needs root or the postgres user: ${String(error)}`);
      }
      paused.add(pid);
    },
    resumeAll,
  };
}

/** What /proc says a local process is ('postgres: user db host COPY' for a backend); '' if there is none. */
function processTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
