import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpProxy, testServices, useTestDatabase, waitUntil } from '@cookbook/shared/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { ATTEMPT_HEADER } from '../broker/retry.js';
import { createLogger } from '../correlation/logger.js';
import { schemaPoolConfig } from '../db/schema-pool.js';
import { consumerQueues, depth, publishMany, takeAll, useRabbit } from '../test/amqp.js';
import { closeCutPool, cutPool } from '../test/cut-pool.js';
import { EMAIL_DDL, startEmailWorker } from './email-service.js';

const database = useTestDatabase('microservices_retry');
const rabbit = useRabbit('retry');
const quiet = createLogger('test', () => {});
let broker: Broker;
let direct: pg.Pool; // straight to Postgres, past the proxy the test cuts

beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
  direct = database.pool({ max: 2 });
  await direct.query(EMAIL_DDL);
});
afterAll(async () => broker?.close());

/** How long Postgres is down: the scenario's length, not a wait for some state. */
const OUTAGE_MS = 1_500;

/** 600 order events at about 200 a second: a stream, so a retry is not stuck behind a backlog. */
async function stream(queue: string, ids: string[]) {
  for (let sent = 0; sent < 600; sent += 10) {
    ids.push(...(await publishMany(rabbit.channel, queue, 10)));
    await sleep(50); // the stream's pace
  }
}

/**
 * The stream, with the email worker's Postgres cut (connections refused) once a fifth is applied,
 * for OUTAGE_MS after the first failed attempt. Then it comes back.
 */
async function postgresOutage(base: string, retryDelaysMs: readonly number[]) {
  const TOTAL = 600;
  const proxy = await startTcpProxy(database.url);
  const pool: pg.Pool = cutPool({ connectionString: proxy.url(), ...schemaPoolConfig('email', 4) });
  let retries = 0;
  const log = createLogger('email-service', (line) => {
    if ((JSON.parse(line) as { message: string }).message === 'retrying message') retries += 1;
  });
  const names = consumerQueues(rabbit.names, base, retryDelaysMs);
  const worker = await startEmailWorker({ broker, pool, ...names, prefetch: 50, log });
  const ids: string[] = [];
  const rowsOfThisRun = async () => {
    const sql = 'SELECT count(*)::int AS total, count(DISTINCT message_id)::int AS distinct FROM sent_emails';
    return (await direct.query(`${sql} WHERE message_id = ANY($1)`, [ids])).rows[0] as {
      total: number;
      distinct: number;
    };
  };
  const applied = async () => (await rowsOfThisRun()).total;
  try {
    const streaming = stream(names.queue, ids);
    await waitUntil(async () => (await applied()) >= TOTAL / 5, 'a fifth applied');
    proxy.refuse(true);
    proxy.cutAll();
    await waitUntil(() => retries > 0, 'the outage to fail an attempt');
    await sleep(OUTAGE_MS);
    proxy.refuse(false);
    await streaming;
    const deadLettered = () => depth(rabbit.channel, names.deadLetterQueue);
    await waitUntil(async () => (await applied()) + (await deadLettered()) >= TOTAL, 'every message settled', 60_000);
    return { total: TOTAL, rows: await rowsOfThisRun(), deadLettered: await deadLettered() };
  } finally {
    await worker.stop();
    await closeCutPool(pool);
    await proxy.close();
  }
}

describe('retries through the broker, with a delay', () => {
  // #region outage-test
  it('a short Postgres outage dead-letters nothing: each message waits out its delays', {
    timeout: 90_000,
  }, async () => {
    const result = await postgresOutage('delayed', [250, 1_000, 4_000]);
    expect(result.deadLettered).toBe(0);
    expect(result.rows).toEqual({ total: result.total, distinct: result.total }); // all applied, each once
  });

  it('retrying at once (no delay), the same outage dead-letters messages that would have worked', {
    timeout: 60_000,
  }, async () => {
    const result = await postgresOutage('immediate', [0, 0]);
    expect(result.deadLettered).toBeGreaterThan(0);
    console.log(`retrying at once: ${result.deadLettered} of ${result.total} dead-lettered by one short outage`);
    expect(result.rows.distinct).toBe(result.rows.total); // still never applied twice, only parked for nothing
  });
  // #endregion outage-test

  it('a retry comes back only after its delay', async () => {
    const names = consumerQueues(rabbit.names, 'waits', [400]);
    const seenAt: number[] = [];
    const consumer = await startConsumer(broker, {
      ...names,
      parse: (body) => body,
      handle: async () => {
        seenAt.push(performance.now());
        if (seenAt.length === 1) throw new Error('smtp timeout');
      },
    });
    rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: 'm-1' });
    await waitUntil(() => seenAt.length === 2, 'the second attempt');
    // A lower bound only: the broker cannot expire a message early, however loaded the machine.
    expect((seenAt[1] ?? 0) - (seenAt[0] ?? 0)).toBeGreaterThanOrEqual(390);
    await consumer.stop();
  });

  // #region attempt-header-test
  it.each([
    ['non-numeric', 'abc'],
    ['negative', -5],
    ['zero', 0],
    ['fractional', 1.5],
    ['huge', 2 ** 40],
    ['a huge string', '9'.repeat(400)],
    ['past the limit', 99],
  ])('a %s x-attempt header is the last attempt: dead-lettered with a reason, never looped', async (label, value) => {
    const names = consumerQueues(rabbit.names, `header-${label.replaceAll(' ', '-')}`, [20, 20]);
    let calls = 0;
    const consumer = await startConsumer(broker, {
      ...names,
      log: quiet,
      parse: (body) => body,
      handle: async () => {
        calls += 1;
        throw new Error('still failing');
      },
    });
    rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), {
      messageId: 'm',
      headers: { [ATTEMPT_HEADER]: value },
    });
    const [dead] = await takeAll(rabbit.channel, names.deadLetterQueue, 1);
    expect(String(dead?.properties.headers?.[REASON_HEADER])).toMatch(
      /^x-attempt header .{1,60} is not an attempt from 1 to 3, treated as the last: still failing$/,
    );
    expect(calls).toBe(1);
    await consumer.stop();
  });
  // #endregion attempt-header-test
});
