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
});
