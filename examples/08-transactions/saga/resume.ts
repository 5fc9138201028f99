import type pg from 'pg';
import { driveSaga, type SagaDefinition, type SagaOptions, type SagaOutcome } from './saga.js';
import { claimSaga, staleSagas } from './saga-log.js';

// #region resume
/**
 * Run at startup: finishes every saga of this kind that a dead process left mid-way. Only sagas
 * idle for `staleAfterMs` are taken (a live owner touches its saga after every step, so keep it
 * well above your slowest step; 0 only when no other instance can be alive), and the
 * compare-and-set claim lets one of two resuming instances win each saga.
 */
export async function resumeSagas<D>(
  pool: pg.Pool,
  definition: SagaDefinition<D>,
  { staleAfterMs = 30_000, ...options }: SagaOptions & { staleAfterMs?: number } = {},
): Promise<SagaOutcome[]> {
  const outcomes: SagaOutcome[] = [];
  for (const { id, seen } of await staleSagas(pool, definition.kind, staleAfterMs)) {
    if (!(await claimSaga(pool, id, seen))) continue; // another instance took it
    outcomes.push(await driveSaga(pool, definition, id, options));
  }
  return outcomes;
}

/** After a human fixed what parked a saga: try its compensations again. */
export async function retryParkedSaga<D>(
  pool: pg.Pool,
  definition: SagaDefinition<D>,
  id: string,
  options: SagaOptions = {},
) {
  await pool.query(`UPDATE sagas SET state = 'compensating', updated_at = now() WHERE id = $1 AND state = 'parked'`, [
    id,
  ]);
  return driveSaga(pool, definition, id, options);
}
// #endregion resume
