import { describe, expect, it } from 'vitest';
import { tourPhases } from './phases.js';

describe('phases', () => {
  it('runs check and close in the current iteration, then timers and poll in the next', async () => {
    for (let run = 0; run < 10; run++) {
      const events = await tourPhases();
      expect(events.map((e) => e.phase)).toEqual(['check', 'close', 'timers', 'poll']);
    }
  });
});
