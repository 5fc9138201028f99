import { reservablePort } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { usePrimaries } from './test/primaries.js';
import { getJson, isAlive, workerPids } from './test/processes.js';

const primaries = usePrimaries();

describe('cluster', () => {
  it('answers from more than one worker process', async () => {
    const { url } = await primaries.ready();
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) pids.add((await getJson<{ pid: number }>(url)).pid);
    expect(pids.size).toBe(2);
  });

  it('serves JSON on the port it was given, and holds a request only on /slow', async () => {
    const port = await reservablePort();
    const primary = primaries.start({ env: { CLUSTER_PORT: String(port) } });
    const [, url] = await primary.waitForLine(/^ready (http:\S+)/);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const res = await fetch(`${url}/?ms=5000`);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ pid: expect.any(Number) });
    await getJson(`${url}/slow?ms=1`);
    await primary.waitForLine(/holding a request for 1 ms$/);
    expect(primary.lines.filter((line) => line.includes('holding a request'))).toHaveLength(1);
  });

  it('keeps answering when a worker is killed mid-load, and replaces it', async () => {
    const { primary, url } = await primaries.ready();
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

  it('a worker that crashes at startup: the primary backs off, gives up and exits 1', async () => {
    const primary = primaries.start({ args: ['crashing'] });
    expect(await primary.exited).toBe(1);
    // 2 initial workers + at most 3 restarts: the 4th crash in the window stops it.
    const forks = workerPids(primary.lines, 'started').length;
    expect(forks).toBeGreaterThanOrEqual(4);
    expect(forks).toBeLessThanOrEqual(5);
    expect(primary.lines.join('\n')).toMatch(/crash loop: 4 crashes .* giving up/);
  });

  it('❌ seed: on a good day the naive primary serves as well: 2 workers on its port, a killed one replaced', async () => {
    const port = await reservablePort();
    const run = { args: ['worker', 'naive'], env: { CLUSTER_PORT: String(port) } };
    const { primary, url } = await primaries.ready(run);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const answered = new Set<number>();
    for (let i = 0; i < 20; i++) answered.add((await getJson<{ pid: number }>(url)).pid);
    expect([...answered].sort()).toEqual(workerPids(primary.lines).sort());
    expect(answered.size).toBe(2);
    const [victim = 0] = workerPids(primary.lines);
    process.kill(victim, 'SIGKILL');
    const [, , replacement] = await primary.waitUntil((lines) =>
      workerPids(lines).length >= 3 ? workerPids(lines) : undefined,
    );
    // Its defect is only the loop: the replacement serves on the same port.
    for (let i = 0; i < 20 && !answered.has(replacement ?? 0); i++)
      answered.add((await getJson<{ pid: number }>(url)).pid);
    expect(answered).toContain(replacement);
  });

  // #region naive-forks
  it('❌ seed: the naive primary re-forks a crashing worker without end', async () => {
    const primary = primaries.start({ args: ['crashing', 'naive'] });
    // Far past the safe primary's budget of 5 forks, and still going.
    await primary.waitUntil((lines) => (workerPids(lines, 'started').length >= 10 ? true : undefined));
    expect(primary.child.exitCode).toBeNull();
    // Each of those forks answered a death: 2 workers at start, every other one a re-fork.
    const reforks = primary.lines.filter((line) => /^worker \d+ died, starting new one$/.test(line)).length;
    expect(reforks).toBeGreaterThanOrEqual(workerPids(primary.lines, 'started').length - 3);
  });
  // #endregion naive-forks
});
