import { type Fixture, spawnFixture } from '@cookbook/shared/testing';
import { afterEach } from 'vitest';
import { killIfAlive, workerPids } from './processes.js';

// Real processes: a primary spawned with tsx, forking 2 workers (never one per CPU in a test).
const PRIMARY = new URL('./primary.ts', import.meta.url);

/** `primary.ts`'s arguments (`<worker|crashing|holding> [naive|kill-then-stop]`) and environment. */
export interface PrimaryRun {
  args?: string[];
  env?: Record<string, string>;
}

/**
 * Starts primaries as real processes; after each test, kills whatever a failed one left: every
 * worker the primaries logged, then the primaries.
 */
export function usePrimaries() {
  const spawned: Fixture[] = [];
  afterEach(async () => {
    for (const { lines, kill } of spawned.splice(0)) {
      for (const pid of [...workerPids(lines), ...workerPids(lines, 'started')]) killIfAlive(pid);
      await kill();
    }
  });

  function start({ args = [], env = {} }: PrimaryRun = {}): Fixture {
    const primary = spawnFixture(PRIMARY, { args, env });
    spawned.push(primary);
    return primary;
  }

  /** A primary of 2 workers, once it has logged `ready <url>` and both workers listen. */
  async function ready(run: PrimaryRun = {}): Promise<{ primary: Fixture; url: string }> {
    const primary = start(run);
    const [, url = ''] = await primary.waitForLine(/^ready (http:\S+)/);
    await primary.waitUntil((lines) => (workerPids(lines).length >= 2 ? true : undefined));
    return { primary, url };
  }

  return { start, ready };
}
