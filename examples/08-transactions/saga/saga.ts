import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { isConflict, isConnectionLost, retryTransaction } from '../retry/retry-transaction.js';
import { insertSaga, loadSaga, recordStep, type SagaRecord, type SagaState, setSagaState } from './saga-log.js';

export interface SagaStep<D> {
  name: string;
  /** Must be idempotent for the saga id: a crash can make it run twice. */
  run(sagaId: string, data: D): Promise<void>;
  /** Must be idempotent: it is retried, and rerun after a crash. */
  compensate?(sagaId: string, data: D): Promise<void>;
}

export interface SagaDefinition<D> {
  kind: string;
  steps: readonly SagaStep<D>[];
}

export interface SagaOptions {
  /** Tries per step when it fails for a reason that is not the business's (a lost connection, a conflict). */
  stepAttempts?: number;
  /** Tries per compensation before the saga is parked for a human. */
  compensationAttempts?: number;
  retryDelayMs?: number;
  /** Called once a step's success is in the log (metrics, logs, or a test's crash point). */
  onStepDone?: (step: string) => void;
}

export interface SagaOutcome {
  id: string;
  state: SagaState;
  failure: string | null;
}

const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

// #region run-saga
/** Logs the saga, then drives it to `completed`, `compensated` or `parked`. */
export async function startSaga<D>(
  pool: pg.Pool,
  definition: SagaDefinition<D>,
  id: string,
  data: D,
  options: SagaOptions = {},
): Promise<SagaOutcome> {
  await insertSaga(pool, id, definition.kind, data);
  return driveSaga(pool, definition, id, options);
}

/** Picks a saga up wherever its log says it is: forward while running, backward once compensating. */
export async function driveSaga<D>(
  pool: pg.Pool,
  definition: SagaDefinition<D>,
  id: string,
  options: SagaOptions = {},
): Promise<SagaOutcome> {
  const saga = await loadSaga<D>(pool, id);
  if (!saga) throw new Error(`no saga ${id}`);
  if (saga.state === 'running') return runForward(pool, definition, saga, options);
  if (saga.state === 'compensating') return compensate(pool, definition, saga, options);
  return { id, state: saga.state, failure: saga.failure };
}

async function runForward<D>(pool: pg.Pool, definition: SagaDefinition<D>, saga: SagaRecord<D>, options: SagaOptions) {
  const done = new Set(saga.events.filter((e) => e.event === 'done').map((e) => e.step));
  for (const step of definition.steps) {
    if (done.has(step.name)) continue;
    try {
      await runStep(step, saga, options);
    } catch (error) {
      await recordStep(pool, saga.id, step.name, 'failed', message(error));
      await setSagaState(pool, saga.id, 'compensating', `${step.name}: ${message(error)}`);
      const failed = await loadSaga<D>(pool, saga.id);
      return compensate(pool, definition, failed ?? saga, options);
    }
    await recordStep(pool, saga.id, step.name, 'done');
    options.onStepDone?.(step.name);
  }
  await setSagaState(pool, saga.id, 'completed');
  return { id: saga.id, state: 'completed' as const, failure: null };
}
// #endregion run-saga

// #region run-step
/**
 * A step that lost its connection, even during its COMMIT, or hit a conflict is run again: it is
 * idempotent for the saga id, so a second run after a COMMIT that did land changes nothing. Only a
 * business failure, or a step that keeps failing, starts the compensations.
 */
function runStep<D>(step: SagaStep<D>, saga: SagaRecord<D>, { stepAttempts = 3, retryDelayMs = 50 }: SagaOptions) {
  const transient = (error: unknown) => isConnectionLost(error) || isConflict(error);
  return retryTransaction(() => step.run(saga.id, saga.data), {
    attempts: stepAttempts,
    baseDelayMs: retryDelayMs,
    retryOn: transient,
  });
}
// #endregion run-step

// #region compensate
/**
 * Undoes the steps that completed, last first. Each compensation is retried; one that keeps
 * failing parks the saga with the reason, and nothing earlier is undone on top of it.
 */
async function compensate<D>(pool: pg.Pool, definition: SagaDefinition<D>, saga: SagaRecord<D>, options: SagaOptions) {
  const { compensationAttempts = 3, retryDelayMs = 50 } = options;
  const stepsWith = (event: string) => new Set(saga.events.filter((e) => e.event === event).map((e) => e.step));
  const done = stepsWith('done');
  const undone = stepsWith('compensated');
  const toUndo = definition.steps.filter((s) => done.has(s.name) && !undone.has(s.name)).reverse();
  for (const step of toUndo) {
    for (let attempt = 1; step.compensate; attempt++) {
      try {
        await step.compensate(saga.id, saga.data);
        await recordStep(pool, saga.id, step.name, 'compensated');
        break;
      } catch (error) {
        await recordStep(pool, saga.id, step.name, 'compensation_failed', message(error));
        if (attempt >= compensationAttempts) {
          const reason = `compensation of ${step.name} failed ${attempt} times: ${message(error)}`;
          await setSagaState(pool, saga.id, 'parked', reason);
          return { id: saga.id, state: 'parked' as const, failure: reason };
        }
        await sleep(retryDelayMs * attempt);
      }
    }
  }
  await setSagaState(pool, saga.id, 'compensated');
  return { id: saga.id, state: 'compensated' as const, failure: saga.failure };
}
// #endregion compensate
