import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type pg from 'pg';
import { withTransaction } from '../db/transaction.js';
import { UnprocessableError, ValidationError } from '../http/errors.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** One row per key a client has used on an endpoint; the primary key is what makes it once-only. */
export const idempotencyKeysDdl = (schema: string) => `
  CREATE TABLE IF NOT EXISTS ${schema}.idempotency_keys (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       integer,
    body         jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
  )`;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** The client's key, or undefined when it sent none; printable ASCII up to 255 characters, or a 400. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new ValidationError(IDEMPOTENCY_HEADER, 'Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
  return key;
}

// #region idempotent
/**
 * Runs `work` once per (scope, key), in one transaction with the key's row: its effects and the
 * response it produced commit together, or neither does. A repeat of the request gets the stored
 * response; the same key with another request is a 422. A concurrent request with the same key
 * waits on the row's unique index until the first commits, then reads its response.
 */
export async function idempotent(
  pool: pg.Pool,
  { scope, key, request }: { scope: string; key: string; request: unknown },
  work: (client: pg.PoolClient) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  const hash = createHash('sha256').update(stableJson(request)).digest('hex');
  return withTransaction(pool, async (client) => {
    const claim = await client.query(
      'INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [scope, key, hash],
    );
    if (claim.rowCount === 0) {
      const { rows } = await client.query<{ request_hash: string; status: number; body: unknown }>(
        'SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      const [stored] = rows;
      if (!stored || stored.request_hash !== hash) {
        throw new UnprocessableError(IDEMPOTENCY_HEADER, 'this Idempotency-Key was used with a different request');
      }
      return { status: stored.status, body: stored.body, replayed: true };
    }
    const response = await work(client);
    await client.query('UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2', [
      scope,
      key,
      response.status,
      JSON.stringify(response.body),
    ]);
    return { ...response, replayed: false };
  });
}
// #endregion idempotent

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
