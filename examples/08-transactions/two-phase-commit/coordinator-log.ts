import type pg from 'pg';

export type Decision = 'commit' | 'abort';

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
    /** The participant that voted no; undefined when recovery decided first. */
    readonly participant: string | undefined,
    cause: unknown,
  ) {
    super(`transaction ${txId} aborted: ${participant ?? 'recovery'} could not prepare`, { cause });
    this.name = 'DistributedTransactionAborted';
  }
}

/**
 * The coordinator's log, in its own database (and its own pool: phase 2 must never queue for a
 * connection behind transfers that wait on the locks it is about to release). One row per
 * transaction, the decision set exactly once.
 */
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
