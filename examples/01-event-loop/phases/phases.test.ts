import { waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { tourPhases } from './phases.js';

describe('phases', () => {
  it('runs check and close in the current iteration, then timers and poll in the next', async () => {
    for (let run = 0; run < 10; run++) {
      expect(await tourPhases()).toEqual([
        { phase: 'check', api: 'setImmediate' },
        { phase: 'close', api: "socket.on('close')" },
        { phase: 'timers', api: 'setTimeout(0)' },
        { phase: 'poll', api: 'fs.stat callback' },
      ]);
    }
  });

  it('leaves nothing open: the throwaway server and both ends of its connection are closed', async () => {
    // This worker opens no TCP of its own: any server or socket left is the tour's.
    const openTcp = () => process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP'));
    await tourPhases();
    await waitUntil(() => openTcp().length === 0, 'the loopback server and its connection to close', 5_000);
  });
});
