import type pg from 'pg';
import { inDoubtBranches } from '../two-phase-recovery.js';

/**
 * Rolls back every branch a failed test left prepared. A prepared transaction outlives its session,
 * keeps its row locks (the next test's TRUNCATE would wait on them) and blocks DROP DATABASE.
 */
export async function rollBackLeftovers(participants: Readonly<Record<string, pg.Pool>>): Promise<void> {
  for (const [participant, pool] of Object.entries(participants)) {
    for (const branch of await inDoubtBranches(participant, pool))
      await pool.query(`ROLLBACK PREPARED '${branch.gid}'`);
  }
}
