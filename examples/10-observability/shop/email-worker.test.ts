import { once } from 'node:events';
import { testServices, waitUntil } from '@cookbook/shared/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { watchInProcess } from '../test/in-process.js';
import { useShopEnv } from '../test/shop-env.js';
import { declareShopQueues, ORDER_PLACED, shopQueuesFromEnv } from './broker.js';
import { createEmailWorker, type EmailWorker } from './email-worker.js';
import { createShopSchema } from './schema.js';

const shop = useShopEnv('email_worker');
const watch = watchInProcess();
const logged = (message: string) => watch.logged().filter((line) => line.message === message);
let pool: pg.Pool;
let broker: ChannelModel;
let publisher: Channel;
const queues = () => shopQueuesFromEnv(shop.env());

beforeAll(async () => {
  pool = shop.database.pool({ max: 4 });
  await createShopSchema(pool);
  broker = await amqp.connect(testServices().amqpUrl);
  publisher = await broker.createChannel();
  await declareShopQueues(publisher, queues());
});
afterAll(async () => {
  await broker?.close();
});

/** A worker consuming on a channel of its own, and the channel (which the broker may close). */
async function startWorker(): Promise<{ worker: EmailWorker; channel: Channel }> {
  const channel = await broker.createChannel();
  channel.on('error', () => {});
  await declareShopQueues(channel, queues());
  const worker = createEmailWorker({ pool, queues: queues(), logger: createLogger({ service: 'email-worker-test' }) });
  await worker.consume(channel);
  return { worker, channel };
}
/** An order stored and announced; its email row waits behind the lock the test holds, if any. */
async function announceOrder(): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    "INSERT INTO orders (item, quantity, email) VALUES ('sencha', 1, 'ada@example.com') RETURNING id",
  );
  const id = rows[0]?.id as string;
  const order = { orderId: id, item: 'sencha', quantity: 1, email: 'ada@example.com' };
  publisher.publish(queues().exchange, ORDER_PLACED, Buffer.from(JSON.stringify(order)));
  return id;
}
/** Holds every insert into emails until `release`, once the worker's insert is waiting on it. */
async function lockEmails(): Promise<{ waiting(): Promise<void>; release(): Promise<void> }> {
  const lock = await pool.connect();
  await lock.query('BEGIN; LOCK TABLE emails IN EXCLUSIVE MODE');
  const blocked = "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
  return {
    waiting: async () => void (await waitUntil(async () => (await pool.query(blocked)).rowCount, 'an insert to wait')),
    release: async () => {
      await lock.query('COMMIT');
      lock.release();
    },
  };
}
const emailed = (id: string) => async () =>
  (await pool.query('SELECT 1 FROM emails WHERE order_id = $1', [id])).rowCount;

describe('the email worker', () => {
  it('stop() waits for the message in hand, after it has stopped taking new ones', async () => {
    const { worker } = await startWorker();
    const lock = await lockEmails();
    const id = await announceOrder();
    await lock.waiting();
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await waitUntil(async () => (await publisher.checkQueue(queues().queue)).consumerCount === 0, 'no consumer');
    expect(stopped).toBe(false); // its insert still waits on the lock
    await lock.release();
    await stopping;
    expect(await emailed(id)()).toBe(1);
  });

  it('a bad message is dead-lettered alone: the good one in hand is emailed, not dead-lettered with it', async () => {
    const { worker } = await startWorker();
    const lock = await lockEmails();
    const id = await announceOrder();
    await lock.waiting();
    publisher.publish(queues().exchange, ORDER_PLACED, Buffer.from('not json'));
    await waitUntil(() => logged('order message dead-lettered').length, 'the bad one to be dead-lettered');
    await lock.release();
    await waitUntil(emailed(id), `the email of order ${id}`);
    await worker.stop();
    const dead: string[] = [];
    for (let m = await publisher.get(queues().deadLetterQueue); m; m = await publisher.get(queues().deadLetterQueue))
      dead.push(m.content.toString());
    expect(dead).toEqual(['not json']);
  });

  it('a message whose channel closed while in hand is logged as unacknowledged, for the broker to deliver again', async () => {
    const { worker, channel } = await startWorker();
    const lock = await lockEmails();
    const id = await announceOrder();
    await lock.waiting();
    await channel.close(); // as a lost connection takes it: the message goes back to the queue
    await lock.release();
    await worker.stop();
    expect(await emailed(id)()).toBe(1);
    expect(logged('message left unacknowledged; the broker delivers it again')).toMatchObject([
      { level: 'warn', error: expect.stringContaining('closed') },
    ]);
    const { worker: next } = await startWorker(); // takes the redelivery: one email row still
    await waitUntil(async () => (await publisher.checkQueue(queues().queue)).messageCount === 0, 'the queue drained');
    await next.stop();
    expect(await emailed(id)()).toBe(1);
  });

  it('a consumer the broker cancels (its queue deleted) is no message: nothing is dead-lettered', async () => {
    const { worker, channel } = await startWorker();
    const before = logged('order message dead-lettered').length;
    const cancelled = once(channel, 'cancel');
    await publisher.deleteQueue(queues().queue);
    await cancelled;
    await worker.stop();
    expect(logged('order message dead-lettered')).toHaveLength(before);
    await declareShopQueues(publisher, queues());
  });

  it('stop() before any consume has nothing to cancel', async () => {
    const worker = createEmailWorker({
      pool,
      queues: queues(),
      logger: createLogger({ service: 'email-worker-test' }),
    });
    await expect(worker.stop()).resolves.toBeUndefined();
  });
});
