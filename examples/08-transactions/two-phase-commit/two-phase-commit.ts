import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/** One database's part of a distributed transaction: SQL run inside its local transaction. */
export interface Branch {
  participant: string;
  pool: pg.Pool;
  work(client: pg.PoolClient): Promise<void>;
}

export type Decision = 'commit' | 'abort';

/** Observation points (logs, metrics, or a test's crash point). */
export interface CoordinatorHooks {
  /** Every branch has voted; nothing is decided yet. */
  afterPrepare?: (txId: string) => void;
  /** The decision is durable; phase 2 has not started. */
  afterDecision?: (txId: string, decision: Decision) => void;
}

/** The global id of one branch: unique in the whole Postgres cluster, and parseable by recovery. */
export const GID_PREFIX = 'cb2pc';
export function branchGid(txId: string, participant: string): string {
  // The gid is spliced into SQL (PREPARE takes no parameters), so only safe characters get in.
  if (!/^[0-9a-f-]{36}$/.test(txId) || !/^[a-z0-9_]{1,40}$/.test(participant)) {
    throw new RangeError(`unsafe transaction id or participant name: ${txId} ${participant}`);
  }
  return `${GID_PREFIX}:${txId}:${participant}`;
}

export class DistributedTransactionAborted extends Error {
  constructor(
    readonly txId: string,
    readonly participant: string,
    cause: unknown,
  ) {
    super(`transaction ${txId} aborted: ${participant} could not prepare`, { cause });
    this.name = 'DistributedTransactionAborted';
  }
}

/** The coordinator's log, in its own database: one row per transaction, the decision set exactly once. */
export async function createCoordinatorLog(log: pg.Pool): Promise<void> {
  await log.query(`CREATE TABLE IF NOT EXISTS tpc_log (
    id uuid PRIMARY KEY,
    participants text[] NOT NULL,
    decision text CHECK (decision IN ('commit', 'abort')),
    completed boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
}

/**
 * Records a decision unless one exists, and returns the one that holds. The coordinator and a
 * recovery routine may race to decide; the first write wins and both act on it.
 */
export async function decide(log: pg.Pool, txId: string, decision: Decision): Promise<Decision> {
  const { rows } = await log.query(
    `UPDATE tpc_log SET decision = COALESCE(decision, $2) WHERE id = $1 RETURNING decision`,
    [txId, decision],
  );
  return (rows[0]?.decision as Decision | undefined) ?? 'abort';
}

// #region coordinator
/**
 * Phase 1 prepares every branch in parallel (PREPARE TRANSACTION survives crashes and restarts);
 * the decision is written to the log before phase 2, so whoever comes after a crash knows the
 * outcome instead of guessing. Prepared branches hold their row locks until resolved.
 */
export async function runDistributedTransaction(
  log: pg.Pool,
  branches: readonly Branch[],
  hooks: CoordinatorHooks = {},
): Promise<string> {
  const txId = randomUUID();
  await log.query('INSERT INTO tpc_log (id, participants) VALUES ($1, $2)', [txId, branches.map((b) => b.participant)]);
  const votes = await Promise.allSettled(branches.map((branch) => prepareBranch(txId, branch)));
  hooks.afterPrepare?.(txId);
  const refused = votes.findIndex((vote) => vote.status === 'rejected');
  const decision = await decide(log, txId, refused === -1 ? 'commit' : 'abort');
  hooks.afterDecision?.(txId, decision);
  const finish = decision === 'commit' ? 'COMMIT PREPARED' : 'ROLLBACK PREPARED';
  await Promise.all(
    branches.map((branch, i) =>
      votes[i]?.status === 'fulfilled' ? branch.pool.query(`${finish} '${branchGid(txId, branch.participant)}'`) : null,
    ),
  );
  await log.query('UPDATE tpc_log SET completed = true WHERE id = $1', [txId]);
  if (decision === 'abort') {
    const vote = votes[refused];
    const participant = branches[refused]?.participant ?? 'recovery';
    throw new DistributedTransactionAborted(txId, participant, vote?.status === 'rejected' ? vote.reason : undefined);
  }
  return txId;
}

/** Runs the branch's work and prepares it; any error is a "no" vote and rolls the branch back. */
async function prepareBranch(txId: string, branch: Branch): Promise<void> {
  const client = await branch.pool.connect();
  try {
    await client.query('BEGIN');
    await branch.work(client);
    // After PREPARE the transaction belongs to the server, not this session: the client can go back to the pool.
    await client.query(`PREPARE TRANSACTION '${branchGid(txId, branch.participant)}'`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
// #endregion coordinator
