import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schemaPool } from '../src/db.js';
import { EMAIL_DDL } from '../src/email-service.js';
import { pollUntil, publishMany, useRabbit } from './amqp.js';
import { exited, killAllChildren, message, spawnFixture } from './children.js';

const database = useTestDatabase('microservices_crash');
const rabbit = useRabbit('crash');
const TOTAL = 10_000;
let pool: pg.Pool;

beforeAll(async () => {
  pool = schemaPool(database.url, 'email', 2);
  // Commit durability is not what this test is about; skipping the fsync per commit keeps it quick.
  const name = new URL(database.url).pathname.slice(1);
  await pool.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  await pool.query(EMAIL_DDL);
});
afterAll(async () => {
  await killAllChildren();
  await pool?.end();
});

const isType =
  <T extends string>(type: T) =>
  (value: unknown): value is { type: T; duplicates: number; redelivered: number } =>
    (value as { type?: string }).type === type;

const count = async (sql: string) => Number((await pool.query(sql)).rows[0].count);

it('SIGKILL mid-stream loses nothing, and redeliveries do not repeat the effect', { timeout: 60_000 }, async () => {
  const queue = rabbit.names.queue('emails');
  const deadLetterQueue = rabbit.names.queue('emails.dlq');
  const env = {
    AMQP_URL: testServices().amqpUrl,
    DATABASE_URL: database.url,
    QUEUE: queue,
    DEAD_LETTER_QUEUE: deadLetterQueue,
  };
  await rabbit.channel.assertQueue(queue, { durable: true });
  await publishMany(rabbit.channel, queue, TOTAL);

  const first = spawnFixture('email-worker-process.ts', env);
  await message(first, isType('ready'));
  // Kill once a known share is done: the ~100 prefetched, unacked messages go back to the queue.
  await pollUntil(
    () => count('SELECT count(*) FROM sent_emails'),
    (n) => n >= TOTAL * 0.3,
  );
  first.kill('SIGKILL');
  expect((await exited(first)).signal).toBe('SIGKILL');
  const processedBeforeKill = await count('SELECT count(*) FROM sent_emails');
  expect(processedBeforeKill).toBeLessThan(TOTAL);

  const second = spawnFixture('email-worker-process.ts', env);
  await message(second, isType('ready'));
  await pollUntil(
    () => count('SELECT count(*) FROM sent_emails'),
    (n) => n >= TOTAL,
  );
  await pollUntil(
    async () => (await rabbit.channel.checkQueue(queue)).messageCount,
    (n) => n === 0,
  );

  const rows = await pool.query(
    'SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM sent_emails',
  );
  expect(rows.rows[0]).toEqual({ total: TOTAL, distinct: TOTAL }); // every message, each exactly once
  expect(await count('SELECT count(*) FROM processed_messages')).toBe(TOTAL);
  expect((await rabbit.channel.checkQueue(deadLetterQueue)).messageCount).toBe(0);
  second.send({ type: 'report' });
  const report = await message(second, isType('report'));
  // The messages the killed worker held unacknowledged came back, flagged as redelivered.
  expect(report.redelivered).toBeGreaterThan(0);
  console.log(
    `killed after ${processedBeforeKill} of ${TOTAL}; redelivered to the second worker: ${report.redelivered}, of which already applied (absorbed): ${report.duplicates}`,
  );
});
