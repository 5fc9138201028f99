import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { checkOut, type Session } from '../postgres/session.js';
import { type RetryOptions, retryTransaction } from '../retry/retry-transaction.js';
import { branchGid, type Decision, DistributedTransactionAborted, decide } from './coordinator-log.js';

/** One database's part of a distributed transaction: SQL run inside its local transaction. */
export interface Branch {
  /** Names the database; the names also set the global order in which branches are prepared. */
  participant: string;
  pool: pg.Pool;
  work(client: pg.PoolClient): Promise<void>;
}

/** Observation points (logs, metrics, or a test's crash point). */
export interface CoordinatorHooks {
  /** One branch is prepared; the ones after it in the global order are not. */
  afterBranchPrepared?: (txId: string, participant: string) => void;
  /** Every branch has voted; nothing is decided yet. */
  afterPrepare?: (txId: string) => void;
  /** The decision is durable; phase 2 has not started. */
  afterDecision?: (txId: string, decision: Decision) => void;
}

export interface CoordinatorOptions extends CoordinatorHooks {
  /** How long a branch waits for a row lock before it votes no (55P03) and the transaction is retried. */
  lockTimeoutMs?: number;
  /** Retries of the whole transaction after a lock timeout, with jittered backoff (see `retryTransaction`). */
  retry?: RetryOptions;
}

/** Every coordinator prepares in the same order, so none waits on a participant another holds "before" it. */
export function inGlobalOrder(branches: readonly Branch[]): Branch[] {
  const byName = new Map(branches.map((branch) => [branch.participant, branch]));
  if (byName.size !== branches.length) {
    throw new RangeError('one branch per participant: merge the work for one database into one branch');
  }
  // The default sort compares UTF-16 code units: the same order on every machine, whatever its locale.
  return [...byName.keys()].sort().map((name) => byName.get(name) as Branch); // every key is in the map
}

// #region coordinator
/**
 * Prepares the branches one at a time in the global order (by participant name), each with a
 * lock_timeout, and writes the decision to the log before phase 2, so whoever comes after a crash
 * knows the outcome. Phase 2 runs on the very connections that prepared: a coordinator never waits
 * for a pool connection to release the locks it holds. A lock that stays taken (a coordinator that
 * died in doubt, say) is a "no" vote, and the whole transaction is retried with jittered backoff.
 */
export function runDistributedTransaction(
  log: pg.Pool,
  branches: readonly Branch[],
  { lockTimeoutMs = 2_000, retry, ...hooks }: CoordinatorOptions = {},
): Promise<string> {
  const ordered = inGlobalOrder(branches);
  return retryTransaction(() => attempt(log, ordered, lockTimeoutMs, hooks), retry);
}

async function attempt(log: pg.Pool, branches: Branch[], lockTimeoutMs: number, hooks: CoordinatorHooks) {
  const txId = randomUUID();
  await log.query('INSERT INTO tpc_log (id, participants) VALUES ($1, $2)', [txId, branches.map((b) => b.participant)]);
  const prepared: { branch: Branch; session: Session }[] = [];
  try {
    let refusal: { participant: string; reason: unknown } | undefined;
    for (const branch of branches) {
      const session = await checkOut(branch.pool);
      try {
        await prepareBranch(txId, branch, session.client, lockTimeoutMs);
      } catch (reason) {
        session.release();
        refusal = { participant: branch.participant, reason };
        break; // the branches after it were never started
      }
      // Outside the try: a hook that throws is the coordinator failing, not a "no" vote.
      prepared.push({ branch, session });
      hooks.afterBranchPrepared?.(txId, branch.participant);
    }
    hooks.afterPrepare?.(txId);
    const decision = await decide(log, txId, refusal ? 'abort' : 'commit');
    hooks.afterDecision?.(txId, decision);
    const finish = decision === 'commit' ? 'COMMIT PREPARED' : 'ROLLBACK PREPARED';
    for (const { branch, session } of prepared) {
      await session.client.query(`${finish} '${branchGid(txId, branch.participant)}'`);
    }
    await log.query('UPDATE tpc_log SET completed = true WHERE id = $1', [txId]);
    if (decision === 'abort') throw new DistributedTransactionAborted(txId, refusal?.participant, refusal?.reason);
    return txId;
  } finally {
    for (const { session } of prepared) session.release();
  }
}

/** Runs the branch's work and prepares it; any error is a "no" vote and rolls the branch back. */
async function prepareBranch(txId: string, branch: Branch, client: pg.PoolClient, lockTimeoutMs: number) {
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.trunc(lockTimeoutMs))}`);
    await branch.work(client);
    await client.query(`PREPARE TRANSACTION '${branchGid(txId, branch.participant)}'`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
// #endregion coordinator
