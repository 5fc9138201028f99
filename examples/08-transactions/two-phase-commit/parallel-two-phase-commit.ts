import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { checkOut } from '../postgres/session.js';
import { branchGid, DistributedTransactionAborted, decide } from './coordinator-log.js';
import type { Branch } from './two-phase-commit.js';

// #region parallel-coordinator
/**
 * The same logged coordinator with the pitfall this recipe used to ship: every branch prepared at
 * once, in no particular order, with no lock_timeout. Two opposite transfers can each prepare one
 * side and wait for the other's: a cycle across two databases that neither Postgres can see, so
 * nothing breaks it. Phase 2 also queues for a fresh pool connection while holding the locks.
 */
export async function parallelDistributedTransaction(log: pg.Pool, branches: readonly Branch[]): Promise<string> {
  const txId = randomUUID();
  await log.query('INSERT INTO tpc_log (id, participants) VALUES ($1, $2)', [txId, branches.map((b) => b.participant)]);
  const votes = await Promise.allSettled(branches.map((branch) => prepareBranch(txId, branch)));
  const refused = votes.findIndex((vote) => vote.status === 'rejected');
  const decision = await decide(log, txId, refused === -1 ? 'commit' : 'abort');
  const finish = decision === 'commit' ? 'COMMIT PREPARED' : 'ROLLBACK PREPARED';
  const prepared = votes.flatMap((vote) => (vote.status === 'fulfilled' ? [vote.value] : []));
  await Promise.all(prepared.map((branch) => branch.pool.query(`${finish} '${branchGid(txId, branch.participant)}'`)));
  await log.query('UPDATE tpc_log SET completed = true WHERE id = $1', [txId]);
  if (decision === 'abort') {
    const vote = votes[refused];
    throw new DistributedTransactionAborted(
      txId,
      branches[refused]?.participant,
      vote?.status === 'rejected' ? vote.reason : undefined,
    );
  }
  return txId;
}
// #endregion parallel-coordinator

/** Resolves to the branch once prepared; checked out with an 'error' listener, as in two-phase-commit.ts. */
async function prepareBranch(txId: string, branch: Branch): Promise<Branch> {
  const { client, release } = await checkOut(branch.pool);
  try {
    await client.query('BEGIN');
    await branch.work(client);
    await client.query(`PREPARE TRANSACTION '${branchGid(txId, branch.participant)}'`);
    return branch;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    release();
  }
}
