import type pg from 'pg';
import { withTransaction } from '../db/transaction.js';

// #region processed-messages
/** One row per message a consumer has already applied; the primary key is the guard. */
export const PROCESSED_MESSAGES_DDL = `
  CREATE TABLE IF NOT EXISTS processed_messages (
    consumer     text        NOT NULL,
    message_id   text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
  )`;

/**
 * Runs `work` at most once per (consumer, messageId): the claim and the effects commit in the same
 * transaction, so a crash before COMMIT leaves neither and a redelivery after COMMIT finds the claim.
 */
export function applyOnce(
  pool: pg.Pool,
  consumer: string,
  messageId: string,
  work: (client: pg.PoolClient) => Promise<void>,
): Promise<'applied' | 'duplicate'> {
  return withTransaction(pool, async (client) => {
    const claim = await client.query(
      'INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [consumer, messageId],
    );
    if (claim.rowCount === 0) return 'duplicate'; // a no-op transaction: committing it changes nothing
    await work(client);
    return 'applied';
  });
}
// #endregion processed-messages
