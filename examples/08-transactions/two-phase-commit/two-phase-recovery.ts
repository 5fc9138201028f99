import type pg from 'pg';
import { type Decision, decide, GID_PREFIX } from './coordinator-log.js';

export interface InDoubtBranch {
  participant: string;
  gid: string;
  txId: string;
}

/** This coordinator's prepared branches still waiting in one database (the view is cluster-wide, so filter). */
export async function inDoubtBranches(participant: string, pool: pg.Pool): Promise<InDoubtBranch[]> {
  const { rows } = await pool.query(
    `SELECT gid, split_part(gid, ':', 2) AS "txId" FROM pg_prepared_xacts
      WHERE database = current_database() AND split_part(gid, ':', 1) = $1 AND split_part(gid, ':', 3) = $2
      ORDER BY prepared`,
    [GID_PREFIX, participant],
  );
  return rows.map(({ gid, txId }: { gid: string; txId: string }) => ({ participant, gid, txId }));
}

export interface Resolution extends InDoubtBranch {
  decision: Decision;
}

// #region recover
/**
 * Run when the coordinator starts: resolves every branch a crash left prepared. A logged
 * decision is carried out; a transaction with no decision never reached its commit point, so it
 * is decided `abort` (presumed abort), atomically, in case the coordinator is alive after all.
 */
export async function recoverInDoubt(
  log: pg.Pool,
  participants: Readonly<Record<string, pg.Pool>>,
): Promise<Resolution[]> {
  const resolved: Resolution[] = [];
  for (const [participant, pool] of Object.entries(participants)) {
    for (const branch of await inDoubtBranches(participant, pool)) {
      const logged = await log.query('SELECT 1 FROM tpc_log WHERE id = $1', [branch.txId]);
      // No row at all: not ours to judge; a log row without a decision: presume abort.
      if (logged.rowCount === 0) continue;
      const decision = await decide(log, branch.txId, 'abort');
      await pool.query(`${decision === 'commit' ? 'COMMIT' : 'ROLLBACK'} PREPARED '${branch.gid}'`);
      resolved.push({ ...branch, decision });
    }
  }
  const txIds = [...new Set(resolved.map((r) => r.txId))];
  await log.query('UPDATE tpc_log SET completed = true WHERE id = ANY($1::uuid[])', [txIds]);
  return resolved;
}
// #endregion recover
