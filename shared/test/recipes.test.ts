import { describe, expect, it } from 'vitest';
import { spawnFixture } from '../src/testing/spawn.js';

const fixture = new URL('./fixtures/recipes-main.ts', import.meta.url);

describe('runRecipes, the dispatcher behind every main.ts', () => {
  it('runs every recipe in order with a heading and a "Look for:" line, and runs its cleanup', async () => {
    const run = spawnFixture(fixture);
    expect(await run.exited).toBe(0);
    const out = run.lines.join('\n');
    expect(out).toMatch(/== first: The first recipe =+\nLook for: one line\n/);
    expect(out.indexOf('first ran')).toBeLessThan(out.indexOf('second ran'));
    expect(out).toContain('first cleaned up');
  });

  it('hands the options after the recipe name to the demo, and never takes an option for a recipe name', async () => {
    const one = spawnFixture(fixture, { args: ['second', '--size', '64'] });
    expect(await one.exited).toBe(0);
    expect(one.lines).toContain('  second ran alone with [--size 64]');
    const all = spawnFixture(fixture, { args: ['--verbose'] });
    expect(await all.exited).toBe(0);
    expect(all.lines).toContain('  second ran with [--verbose]');
  });

  it('prints a usage error as its one line and exits 2', async () => {
    const run = spawnFixture(fixture, { args: ['picky', '--nope'] });
    expect(await run.exited).toBe(2);
    expect(run.errors.filter((line) => line.trim() !== '')).toEqual(['picky takes --ok, got "--nope"']);
  });

  it('names the recipes when asked for one that does not exist, and exits 1', async () => {
    const run = spawnFixture(fixture, { args: ['thrid'] });
    expect(await run.exited).toBe(1);
    expect(run.errors.join('\n')).toMatch(/No recipe named "thrid"[\s\S]*first\s+The first recipe[\s\S]*second/);
  });

  it('on Ctrl-C, resolves untilStopped instead of exiting, so the cleanup still runs', async () => {
    const run = spawnFixture(fixture, { args: ['server'] });
    await run.waitForLine(/serving until stopped/);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.lines).toContain('  server closed');
  });

  it('takes a Ctrl-C relayed again as SIGTERM by a wrapper (pnpm, tsx) for the same one: one cleanup', async () => {
    const run = spawnFixture(fixture, { args: ['server'] });
    await run.waitForLine(/serving until stopped/);
    run.child.kill('SIGINT');
    await run.waitForLine(/SIGINT: stopping/);
    run.child.kill('SIGTERM'); // what pnpm or tsx sends right behind the terminal's SIGINT
    expect(await run.exited).toBe(130);
    expect(run.lines.filter((line) => line === '  server closed')).toHaveLength(1);
    expect(run.lines.join('\n')).not.toContain('exiting now');
  });

  it('runs the cleanup of a demo that ignores the signal, after a bounded grace', async () => {
    const run = spawnFixture(fixture, { args: ['stubborn'] });
    await run.waitForLine(/working and ignoring signals/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.lines).toContain('  stubborn cleaned up');
  });
});
