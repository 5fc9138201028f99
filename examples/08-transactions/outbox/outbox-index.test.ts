import { testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import amqp, { type ChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxTables, relayOutbox } from './outbox.js';

const database = useTestDatabase('outbox_index');
let pool: pg.Pool;
let connection: ChannelModel;

beforeAll(async () => {
  pool = database.pool({ max: 2 });
  await createOutboxTables(pool);
  connection = await amqp.connect(testServices().amqpUrl);
});

afterAll(() => connection?.close());

// Read outside any transaction: inside one, the statistics are read once and then cached.
const indexScans = async (): Promise<number> =>
  (await pool.query(`SELECT idx_scan::int AS n FROM pg_stat_user_indexes WHERE indexrelname = 'outbox_unpublished'`))
    .rows[0]?.n ?? 0;

describe('outbox: the unsent rows', () => {
  it('the relay finds them through a partial index, without reading the rows already sent', async () => {
    await pool.query(
      `INSERT INTO outbox (topic, payload, published_at) SELECT 'order.placed', '{}', now() FROM generate_series(1, 2000)`,
    );
    await pool.query('ANALYZE outbox'); // what autovacuum does to a table that grew
    const channel = await connection.createConfirmChannel();
    expect(await relayOutbox(pool, channel, 'amq.topic')).toBe(0);
    await channel.close();
    // A backend reports its statistics shortly after it goes idle.
    expect(await waitUntil(indexScans, 'the relay to have scanned the partial index')).toBeGreaterThan(0);
  });
});
