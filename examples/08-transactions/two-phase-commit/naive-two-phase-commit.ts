import { randomUUID } from 'node:crypto';
import { checkOut } from '../postgres/session.js';
import { branchGid } from './coordinator-log.js';
import type { Branch } from './two-phase-commit.js';

// #region naive-coordinator
/**
 * The Q&A's coordinator on real databases: prepares one by one, then commits one by one, and
 * writes nothing down. If it dies during phase 2, the branches it has not reached stay prepared,
 * holding their locks, and nobody can tell whether they should commit or roll back.
 */
export async function naiveTwoPhaseCommit(
  branches: readonly Branch[],
  onCommitted: (participant: string) => void = () => {},
): Promise<void> {
  const txId = randomUUID();
  const prepared: Branch[] = [];
  for (const branch of branches) {
    // Checked out with an 'error' listener: a backend killed mid-branch fails this call, not the process.
    const { client, release } = await checkOut(branch.pool);
    try {
      await client.query('BEGIN');
      await branch.work(client);
      await client.query(`PREPARE TRANSACTION '${branchGid(txId, branch.participant)}'`);
      prepared.push(branch);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      for (const done of prepared) await done.pool.query(`ROLLBACK PREPARED '${branchGid(txId, done.participant)}'`);
      throw error;
    } finally {
      release();
    }
  }
  for (const branch of prepared) {
    await branch.pool.query(`COMMIT PREPARED '${branchGid(txId, branch.participant)}'`);
    onCommitted(branch.participant);
  }
}
// #endregion naive-coordinator
