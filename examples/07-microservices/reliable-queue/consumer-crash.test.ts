import { spawnFixture, testServices, useTestDatabase, waitForCount, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { consumerQueues, depth, publishMany, useRabbit } from '../test/amqp.js';
import { EMAIL_DDL } from './email-service.js';

const database = useTestDatabase('microservices_crash');
const rabbit = useRabbit('crash');
const TOTAL = 10_000;
const PREFETCH = 100;
let pool: pg.Pool;

beforeAll(async () => {
  pool = database.pool(schemaPoolConfig('email', 2));
  // Commit durability is not what this test is about; skipping the fsync per commit keeps it quick.
  const name = new URL(database.url).pathname.slice(1);
  await pool.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  await pool.query(EMAIL_DDL);
});

const count = async (sql: string) => Number((await pool.query(sql)).rows[0].count);
const worker = (env: NodeJS.ProcessEnv) =>
  spawnFixture(new URL('./test/email-worker-process.ts', import.meta.url), { env });

// #region crash-test
it('SIGKILL mid-stream loses nothing, redelivers at most a prefetch, and repeats no effect', {
  timeout: 180_000,
}, async () => {
  const { queue, deadLetterQueue } = consumerQueues(rabbit.names, 'emails');
  const env = {
    AMQP_URL: testServices().amqpUrl,
    DATABASE_URL: database.url,
    QUEUE: queue,
    DEAD_LETTER_QUEUE: deadLetterQueue,
    PREFETCH: String(PREFETCH),
  };
  await rabbit.channel.assertQueue(queue, { durable: true });
  await publishMany(rabbit.channel, queue, TOTAL);

  const first = worker(env);
  await first.waitForLine(/^ready$/);
  // Kill once a known share is done: the prefetched, unacked messages go back to the queue.
  await waitForCount(() => count('SELECT count(*) FROM sent_emails'), TOTAL * 0.3, 'the first worker');
  await first.kill();
  const processedBeforeKill = await count('SELECT count(*) FROM sent_emails');
  expect(processedBeforeKill).toBeLessThan(TOTAL);

  const second = worker(env);
  try {
    await second.waitForLine(/^ready$/);
    // A loaded machine may take any time over 10,000 messages; the wait fails only if they stop coming.
    await waitForCount(() => count('SELECT count(*) FROM sent_emails'), TOTAL, 'the second worker');
    await waitUntil(async () => (await depth(rabbit.channel, queue)) === 0, 'an empty queue');
    // #region crash-assertions
    const rows = await pool.query(
      'SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM sent_emails',
    );
    expect(rows.rows[0]).toEqual({ total: TOTAL, distinct: TOTAL }); // every message, each exactly once
    expect(await count('SELECT count(*) FROM processed_messages')).toBe(TOTAL);
    expect(await depth(rabbit.channel, deadLetterQueue)).toBe(0);
    const redelivered = second.lines.filter((line) => line === 'redelivered').length;
    const duplicates = second.lines.filter((line) => line === 'duplicate').length;
    // The messages the killed worker held unacknowledged came back, flagged as redelivered: some,
    // and never more than its prefetch (without one, the broker had pushed it the whole queue).
    expect(redelivered).toBeGreaterThan(0);
    expect(redelivered).toBeLessThanOrEqual(PREFETCH);
    // #endregion crash-assertions
    console.log(
      `killed after ${processedBeforeKill} of ${TOTAL}; redelivered to the second worker: ${redelivered}, of which already applied (absorbed): ${duplicates}`,
    );
  } finally {
    await second.kill();
  }
});
// #endregion crash-test
