import { describe, expect, it } from 'vitest';
import { usePrimaries } from './test/primaries.js';
import { getJson, isAlive, stoppedWorkers, workerPids } from './test/processes.js';

const primaries = usePrimaries();

describe('cluster: graceful shutdown', () => {
  // kubectl and systemd signal the primary alone; Ctrl-C and a process-group kill reach every worker too.
  it.each([
    ['SIGTERM', 'the primary'],
    ['SIGTERM', 'every process'],
    ['SIGINT', 'every process'],
  ] as const)('%s to %s lets an in-flight request finish, then exits 0 with no worker left', async (signal, to) => {
    const { primary, url } = await primaries.ready();
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
    const primary = primaries.start({ args: ['holding'] });
    await primary.waitUntil((lines) => (workerPids(lines).length >= 2 ? true : undefined));
    primary.child.kill('SIGTERM');
    expect(await primary.exited).toBe(0);
    const pids = workerPids(primary.lines);
    expect(stoppedWorkers(primary.lines)).toEqual(pids.map((pid) => `${pid} stopped (0)`).sort());
  });

  it('SIGTERM, then SIGINT while stopping: the second signal changes nothing', async () => {
    const { primary, url } = await primaries.ready();
    const slow = getJson<{ pid: number }>(`${url}/slow?ms=1000`);
    await primary.waitForLine(/^worker \d+ holding a request/);
    primary.child.kill('SIGTERM');
    primary.child.kill('SIGINT');
    await expect(slow).resolves.toMatchObject({ pid: expect.any(Number) });
    expect(await primary.exited).toBe(0);
    expect(stoppedWorkers(primary.lines)).toEqual(
      workerPids(primary.lines)
        .map((pid) => `${pid} stopped (0)`)
        .sort(),
    );
    expect([...primary.errors, ...primary.lines].join('\n')).not.toMatch(/error|ERR_/i);
  });

  it('SIGTERM to the primary: a worker that ignores the shutdown message is still stopped by disconnect()', async () => {
    // Its server closed by the primary, nothing holds it: it exits 0 long before shutdownTimeoutMs.
    const { primary } = await primaries.ready({ args: ['plain'] });
    primary.child.kill('SIGTERM');
    expect(await primary.exited).toBe(0);
    expect(stoppedWorkers(primary.lines)).toEqual(
      workerPids(primary.lines)
        .map((pid) => `${pid} stopped (0)`)
        .sort(),
    );
  });

  it('a worker that disconnects itself has left on purpose: it is neither counted as a crash nor replaced', async () => {
    const primary = primaries.start({ args: ['leaving'] });
    // With no worker left and none to restart, nothing holds the primary: it ends on its own.
    expect(await primary.exited).toBe(0);
    const pids = workerPids(primary.lines);
    expect(stoppedWorkers(primary.lines)).toEqual(pids.map((pid) => `${pid} stopped (0)`).sort());
    expect(pids).toHaveLength(2);
    expect(primary.lines.join('\n')).not.toMatch(/died|restarting|crash loop/);
  });

  it('a worker error is logged unless it says the worker is gone (EPIPE, ECONNRESET, ERR_IPC_*)', async () => {
    const { primary } = await primaries.ready({ args: ['worker', 'worker-errors'] });
    await primary.waitForLine(/^worker errors emitted$/);
    primary.child.kill('SIGTERM');
    expect(await primary.exited).toBe(0);
    const logged = primary.lines.filter((line) => line.endsWith(' raised by the test'));
    const expected = workerPids(primary.lines).map((pid) => `worker ${pid}: EACCES raised by the test`);
    expect(logged.sort()).toEqual(expected.sort());
  });

  it('a worker still busy when shutdownTimeoutMs runs out is killed, and the primary still exits 0', async () => {
    const { primary, url } = await primaries.ready();
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
    const primary = primaries.start({ args: ['worker', 'kill-then-stop'] });
    expect(await primary.exited).toBe(0);
    expect(primary.lines).toContain('primary exiting 0');
    // Not thrown, and not logged as a worker error either: a peer that is gone is not news.
    expect([...primary.errors, ...primary.lines].join('\n')).not.toMatch(/EPIPE|ECONNRESET|ERR_IPC|Unhandled/);
  });
  // #endregion peer-gone

  it('a shutdown during a restart backoff cancels the restart: no worker is forked while stopping', async () => {
    const { primary, url } = await primaries.ready({ env: { CLUSTER_BASE_DELAY_MS: '2000' } });
    const [victim, survivor] = workerPids(primary.lines);
    process.kill(victim ?? 0, 'SIGKILL');
    await primary.waitForLine(new RegExp(`^worker ${victim} died \\(SIGKILL\\), restarting in 2000 ms`));
    // The survivor holds a request past the backoff, so the primary is still stopping when it would fire.
    const slow = getJson(`${url}/slow?ms=3000`, 10_000);
    await primary.waitForLine(/^worker \d+ holding a request/);
    primary.child.kill('SIGTERM');
    // A restart left pending would fork a third worker that nobody tells to stop: the primary hangs.
    const exited = primary.exited.then((code) => `exited ${code}`);
    const forked = primary
      .waitUntil((lines) => (workerPids(lines).length > 2 ? 'a worker forked' : undefined))
      .catch(() => exited); // it gives up when the process exits: no fork, then
    expect(await Promise.race([exited, forked])).toBe('exited 0');
    await expect(slow).resolves.toEqual({ pid: survivor });
    expect(workerPids(primary.lines)).toEqual([victim, survivor]);
  });

  it('SIGTERM while every worker is dead and waiting out its restart backoff: the primary exits 0 and forks nothing more', async () => {
    const primary = primaries.start({ args: ['crashing'], env: { CLUSTER_BASE_DELAY_MS: '5000' } });
    await primary.waitUntil((lines) =>
      lines.filter((l) => / restarting in \d+ ms$/.test(l)).length >= 2 ? true : undefined,
    );
    primary.child.kill('SIGTERM');
    expect(await primary.exited).toBe(0);
    // With no worker left, stop() itself must settle `stopped`: no 'exit' event will. (Unsettled, the
    // process still exits 0, as its loop is empty, but whatever awaits `stopped` never runs.)
    expect(primary.lines).toContain('primary exiting 0');
    expect(workerPids(primary.lines, 'started')).toHaveLength(2); // the restarts were cancelled
  });
});
