import { type Fixture, spawnFixture } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, isAlive, killIfAlive, stoppedWorkers, workerPids } from './test/processes.js';

// Real processes: a primary spawned with tsx, forking 2 workers (never one per CPU in a test).
const PRIMARY = new URL('./test/primary.ts', import.meta.url);
const spawned: Fixture[] = [];

function startPrimary(...args: string[]): Fixture {
  const primary = spawnFixture(PRIMARY, { args });
  spawned.push(primary);
  return primary;
}

async function readyCluster(): Promise<{ primary: Fixture; url: string }> {
  const primary = startPrimary();
  const [, url = ''] = await primary.waitForLine(/^ready (http:\S+)/);
  await primary.waitUntil((lines) => (workerPids(lines).length >= 2 ? true : undefined));
  return { primary, url };
}

afterEach(async () => {
  // Kill whatever a failed test left: every worker the primaries logged, then the primaries.
  for (const { lines, kill } of spawned.splice(0)) {
    for (const pid of [...workerPids(lines), ...workerPids(lines, 'started')]) killIfAlive(pid);
    await kill();
  }
});

describe('cluster', () => {
  it('answers from more than one worker process', async () => {
    const { url } = await readyCluster();
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) pids.add((await getJson<{ pid: number }>(url)).pid);
    expect(pids.size).toBe(2);
  });

  it('keeps answering when a worker is killed mid-load, and replaces it', async () => {
    const { primary, url } = await readyCluster();
    const [victim = 0] = workerPids(primary.lines);
    const concurrency = 4;
    let ok = 0;
    let failed = 0;
    let killed = false;
    const replaced = primary.waitUntil((lines) => (workerPids(lines).length >= 3 ? true : undefined));
    let replacementSeen = false;
    // Awaited with the clients below, so a replacement that never comes fails the test, not the run.
    const replacement = replaced.finally(() => {
      replacementSeen = true;
    });
    const client = async () => {
      while (!replacementSeen || ok < 100) {
        await getJson(url).then(
          () => ok++,
          () => failed++,
        );
        if (!killed && ok >= 20) {
          killed = true;
          process.kill(victim, 'SIGKILL');
        }
      }
    };
    await Promise.all([replacement, ...Array.from({ length: concurrency }, client)]);
    expect(isAlive(victim)).toBe(false);
    // Only requests the killed worker already held may fail.
    expect(failed).toBeLessThanOrEqual(concurrency);
    expect(ok).toBeGreaterThanOrEqual(100);
    expect(primary.lines.join('\n')).toMatch(new RegExp(`worker ${victim} died \\(SIGKILL\\), restarting`));
  });

  // kubectl and systemd signal the primary alone; Ctrl-C and a process-group kill reach every worker too.
  it.each([
    ['SIGTERM', 'the primary'],
    ['SIGTERM', 'every process'],
    ['SIGINT', 'every process'],
  ] as const)('%s to %s lets an in-flight request finish, then exits 0 with no worker left', async (signal, to) => {
    const { primary, url } = await readyCluster();
    const slow = getJson<{ pid: number }>(`${url}/slow?ms=1000`);
    const [, holder] = await primary.waitForLine(/^worker (\d+) holding a request/);
    if (to === 'every process') for (const pid of workerPids(primary.lines)) process.kill(pid, signal);
    primary.child.kill(signal);
    await expect(slow).resolves.toEqual({ pid: Number(holder) });
    expect(await primary.exited).toBe(0);
    // Each worker closed on its own: none had to be killed when shutdownTimeoutMs ran out.
    expect(stoppedWorkers(primary.lines)).toEqual(
      workerPids(primary.lines)
        .map((pid) => `${pid} stopped (0)`)
        .sort(),
    );
    for (const pid of workerPids(primary.lines)) expect(isAlive(pid)).toBe(false);
  });

  it('SIGTERM to the primary: workers whose app holds another handle open still stop on their own', async () => {
    // Their timer outlives disconnect(); only the worker's own close-then-exit on 'shutdown' ends them.
    const primary = startPrimary('holding');
    await primary.waitUntil((lines) => (workerPids(lines).length >= 2 ? true : undefined));
    primary.child.kill('SIGTERM');
    expect(await primary.exited).toBe(0);
    const pids = workerPids(primary.lines);
    expect(stoppedWorkers(primary.lines)).toEqual(pids.map((pid) => `${pid} stopped (0)`).sort());
  });

  it('a worker still busy when shutdownTimeoutMs runs out is killed, and the primary still exits 0', async () => {
    const { primary, url } = await readyCluster();
    const stuck = getJson(`${url}/slow?ms=10000`, 20_000);
    const [, holder] = await primary.waitForLine(/^worker (\d+) holding a request/);
    primary.child.kill('SIGTERM');
    await expect(stuck).rejects.toThrow();
    expect(await primary.exited).toBe(0);
    expect(stoppedWorkers(primary.lines)).toContain(`${holder} stopped (SIGKILL)`);
  }, 30_000); // the fixture's shutdownTimeoutMs is 5 s

  // #region peer-gone
  it('stop() right after a worker died resolves cleanly: no unhandled EPIPE from its closed channel', async () => {
    // The fixture SIGKILLs a worker, waits until the kernel has closed its IPC channel, then stops
    // before the primary has handled the death: the writes of stop() meet a peer that is gone.
    const primary = startPrimary('worker', 'kill-then-stop');
    expect(await primary.exited).toBe(0);
    expect(primary.lines).toContain('primary exiting 0');
    // Not thrown, and not logged as a worker error either: a peer that is gone is not news.
    expect([...primary.errors, ...primary.lines].join('\n')).not.toMatch(/EPIPE|ECONNRESET|ERR_IPC|Unhandled/);
  });
  // #endregion peer-gone

  it('a worker that crashes at startup: the primary backs off, gives up and exits 1', async () => {
    const primary = startPrimary('crashing');
    expect(await primary.exited).toBe(1);
    // 2 initial workers + at most 3 restarts: the 4th crash in the window stops it.
    const forks = workerPids(primary.lines, 'started').length;
    expect(forks).toBeGreaterThanOrEqual(4);
    expect(forks).toBeLessThanOrEqual(5);
    expect(primary.lines.join('\n')).toMatch(/crash loop: 4 crashes .* giving up/);
  });

  // #region naive-forks
  it('❌ seed: the naive primary re-forks a crashing worker without end', async () => {
    const primary = startPrimary('crashing', 'naive');
    // Far past the safe primary's budget of 5 forks, and still going.
    await primary.waitUntil((lines) => (workerPids(lines, 'started').length >= 10 ? true : undefined));
    expect(primary.child.exitCode).toBeNull();
    // Each of those forks answered a death: 2 workers at start, every other one a re-fork.
    const reforks = primary.lines.filter((line) => /^worker \d+ died, starting new one$/.test(line)).length;
    expect(reforks).toBeGreaterThanOrEqual(workerPids(primary.lines, 'started').length - 3);
  });
  // #endregion naive-forks
});
