import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { ATTEMPT_HEADER } from '../broker/retry.js';
import { consumerQueues, depth, takeAll, useRabbit } from '../test/amqp.js';
import { redriveDeadLetters } from './redrive.js';

const rabbit = useRabbit('redrive-copies');
let broker: Broker;
beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
});
afterAll(async () => broker?.close());

/** `count` messages that failed every attempt, in the DLQ, with the consumer stopped. */
async function deadLetters(base: string, count: number) {
  const names = consumerQueues(rabbit.names, base, [10]);
  const consumer = await startConsumer(broker, {
    ...names,
    parse: (body) => body,
    handle: async () => {
      throw new Error('smtp relay down');
    },
  });
  for (let i = 0; i < count; i += 1) {
    rabbit.channel.sendToQueue(names.queue, Buffer.from(`{"n":${i}}`), {
      messageId: `m-${i}`,
      contentType: 'application/json',
      headers: { 'x-tenant': 'acme' },
    });
  }
  await waitUntil(async () => (await depth(rabbit.channel, names.deadLetterQueue)) === count, 'all dead-lettered');
  await consumer.stop();
  return names;
}

describe('a redriven message', () => {
  it('is the original, persistent, without the attempt count, the reason or the broker death record', async () => {
    const names = await deadLetters('clean', 1);
    const dead = await rabbit.channel.get(names.deadLetterQueue);
    if (!dead) throw new Error('the dead-letter queue is empty');
    rabbit.channel.nack(dead, false, true); // looked at, put back
    expect(Object.keys(dead.properties.headers ?? {})).toEqual(
      expect.arrayContaining([ATTEMPT_HEADER, REASON_HEADER, 'x-death']),
    );
    expect(await redriveDeadLetters(rabbit.channel, names)).toBe(1);
    const [again] = await takeAll(rabbit.channel, names.queue, 1);
    expect(again?.content.toString()).toBe('{"n":0}');
    expect(again?.properties).toMatchObject({ messageId: 'm-0', contentType: 'application/json', deliveryMode: 2 });
    expect(again?.properties.headers).toEqual({ 'x-tenant': 'acme' });
    expect(await depth(rabbit.channel, names.deadLetterQueue)).toBe(0);
  });

  it('two redrives at once move every message once between them, and neither fails on an empty queue', async () => {
    const names = await deadLetters('racing', 20);
    const second = await broker.createConfirmChannel();
    try {
      const moved = await Promise.all([redriveDeadLetters(rabbit.channel, names), redriveDeadLetters(second, names)]);
      expect(moved[0] + moved[1]).toBe(20);
      const ids = (await takeAll(rabbit.channel, names.queue, 20)).map((m) => m.properties.messageId);
      expect(new Set(ids).size).toBe(20);
    } finally {
      await second.close();
    }
  });

  it('a dead-letter queue that does not exist is named in the error', async () => {
    const probe = await broker.createConfirmChannel();
    probe.on('error', () => {}); // the failed check closes this channel
    const queue = rabbit.names.queue('never-declared');
    await expect(redriveDeadLetters(probe, { queue, deadLetterQueue: `${queue}.dlq` })).rejects.toThrow(
      `no queue named "${queue}.dlq": pass --redrive the work queue, or --dead-letter-queue its DLQ`,
    );
  });
});
