import { recipe } from '@cookbook/shared';
import { tourPhases } from './phases.js';

export const phasesDemo = recipe({
  services: [],
  title: 'one callback aimed at each loop phase, from an I/O callback',
  lookFor: 'check and close finish this iteration; timers and poll start the next.',
  async run({ log }) {
    for (const [i, event] of (await tourPhases()).entries()) log(`${i + 1}. ${event.phase.padEnd(7)} ← ${event.api}`);
  },
});
