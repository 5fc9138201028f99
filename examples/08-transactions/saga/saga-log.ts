import type pg from 'pg';

export type SagaState = 'running' | 'compensating' | 'completed' | 'compensated' | 'parked';
export type StepEvent = 'done' | 'failed' | 'compensated' | 'compensation_failed';

export interface SagaRecord<D> {
  id: string;
  kind: string;
  data: D;
  state: SagaState;
  failure: string | null;
  /** Every step event in the order it was written. */
  events: { step: string; event: StepEvent }[];
}

/**
 * The saga's memory, in Postgres: one row per saga and an append-only list of step events.
 * A process that dies mid-saga leaves enough here for the next one to finish it.
 */
export async function createSagaTables(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS sagas (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    data jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'compensating', 'completed', 'compensated', 'parked')),
    failure text,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await pool.query(`CREATE TABLE IF NOT EXISTS saga_events (
    seq bigserial PRIMARY KEY,
    saga_id uuid NOT NULL REFERENCES sagas (id),
    step text NOT NULL,
    event text NOT NULL CHECK (event IN ('done', 'failed', 'compensated', 'compensation_failed')),
    detail text,
    at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function insertSaga(pool: pg.Pool, id: string, kind: string, data: unknown): Promise<void> {
  await pool.query(
    `INSERT INTO sagas (id, kind, data, state) VALUES ($1, $2, $3, 'running') ON CONFLICT (id) DO NOTHING`,
    [id, kind, JSON.stringify(data)],
  );
}

export async function loadSaga<D>(pool: pg.Pool, id: string): Promise<SagaRecord<D> | undefined> {
  const saga = await pool.query('SELECT id, kind, data, state, failure FROM sagas WHERE id = $1', [id]);
  const row = saga.rows[0];
  if (!row) return undefined;
  const events = await pool.query('SELECT step, event FROM saga_events WHERE saga_id = $1 ORDER BY seq', [id]);
  return { ...row, events: events.rows };
}

/** Appends a step event and bumps `updated_at`, the heartbeat that tells a resumer the saga is alive. */
export async function recordStep(pool: pg.Pool, id: string, step: string, event: StepEvent, detail?: string) {
  await pool.query(
    `WITH touched AS (UPDATE sagas SET updated_at = now() WHERE id = $1)
     INSERT INTO saga_events (saga_id, step, event, detail) VALUES ($1, $2, $3, $4)`,
    [id, step, event, detail ?? null],
  );
}

export async function setSagaState(pool: pg.Pool, id: string, state: SagaState, failure?: string): Promise<void> {
  await pool.query('UPDATE sagas SET state = $2, failure = COALESCE($3, failure), updated_at = now() WHERE id = $1', [
    id,
    state,
    failure ?? null,
  ]);
}

/**
 * Unfinished sagas nobody has touched for `staleAfterMs`: the ones a dead process left behind
 * (a live one bumps `updated_at` after every step). `seen` is the exact `updated_at` read, for
 * the compare-and-set in `claimSaga`.
 */
export async function staleSagas(pool: pg.Pool, kind: string, staleAfterMs: number) {
  const { rows } = await pool.query(
    `SELECT id, updated_at::text AS seen FROM sagas
      WHERE kind = $1 AND state IN ('running', 'compensating')
        AND updated_at <= now() - make_interval(secs => $2::double precision / 1000)
      ORDER BY updated_at`,
    [kind, staleAfterMs],
  );
  return rows as { id: string; seen: string }[];
}

/** Takes over a stale saga only if nobody touched it since we looked: of two resumers, one wins. */
export async function claimSaga(pool: pg.Pool, id: string, seen: string): Promise<boolean> {
  const claimed = await pool.query(
    'UPDATE sagas SET updated_at = now() WHERE id = $1 AND updated_at = $2::timestamptz',
    [id, seen],
  );
  return claimed.rowCount === 1;
}
