import { describe, expect, it } from 'vitest';
import { spawnFixture } from '../src/testing/spawn.js';

const probe = new URL('./fixtures/ipc-probe.ts', import.meta.url);

describe('spawnFixture', () => {
  it('opens an IPC channel only when asked, as fork does', async () => {
    const plain = spawnFixture(probe);
    const forked = spawnFixture(probe, { ipc: true });
    expect([await plain.exited, await forked.exited]).toEqual([0, 0]);
    expect([plain.lines, forked.lines]).toEqual([['no ipc'], ['ipc']]);
  });
});
