import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { PoisonMessageError, REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { consumerQueues, takeAll, useRabbit } from '../test/amqp.js';
import { recordingLog } from '../test/recording-log.js';

const rabbit = useRabbit('refused');
const gate = () => Promise.withResolvers<void>();

/**
 * Makes `queue` a dead-letter queue that is full (one filler of one allowed) and rejects publishes:
 * the broker nacks every copy. Swapped in after the consumer declared its own.
 */
async function fillDeadLetterQueue(queue: string) {
  await rabbit.channel.deleteQueue(queue);
  await rabbit.channel.assertQueue(queue, {
    durable: true,
    maxLength: 1,
    arguments: { 'x-overflow': 'reject-publish' },
  });
  rabbit.channel.sendToQueue(queue, Buffer.from('filler'), { messageId: 'filler' });
  await rabbit.channel.waitForConfirms();
}

/** Room again in the dead-letter queue: takes the filler out and says what it took. */
async function takeFiller(queue: string) {
  return ((await rabbit.channel.get(queue, { noAck: true })) || undefined)?.properties.messageId;
}
let broker: Broker;
beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
});
afterAll(async () => broker?.close());

describe('a dead-letter copy the broker refuses', () => {
  it('leaves the message in the work queue, requeued, until the copy is taken', async () => {
    const names = consumerQueues(rabbit.names, 'refused', [20]);
    const { log, fieldsOf } = recordingLog();
    const consumer = await startConsumer(broker, {
      ...names,
      log,
      parse: () => {
        throw new PoisonMessageError('field "orderId" is missing');
      },
      handle: async () => {},
    });
    try {
      await fillDeadLetterQueue(names.deadLetterQueue);
      rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: 'm-refused' });
      await waitUntil(() => fieldsOf('could not settle message, requeueing it').length > 0, 'a refused copy');
      expect(fieldsOf('could not settle message, requeueing it')[0]).toEqual({
        error: expect.stringMatching(/^broker refused the copy/),
      });
      // Room again: the requeued message comes back, and this time its copy is taken.
      expect(await takeFiller(names.deadLetterQueue)).toBe('filler');
      const [dead] = await takeAll(rabbit.channel, names.deadLetterQueue, 1);
      expect(dead?.properties.messageId).toBe('m-refused');
      expect(dead?.properties.headers?.[REASON_HEADER]).toBe('field "orderId" is missing');
    } finally {
      await consumer.stop();
    }
  });

  it('with no logger and other work in flight, requeues only the refused message', async () => {
    const names = consumerQueues(rabbit.names, 'refused-quiet', [20]);
    const slowWork = gate();
    const handled: { messageId: string; redelivered: boolean }[] = [];
    let poisonParses = 0;
    const consumer = await startConsumer(broker, {
      ...names,
      parse: (body) => {
        if ((body as { kind?: string }).kind !== 'slow') {
          poisonParses += 1;
          throw new PoisonMessageError('not a slow job');
        }
        return body;
      },
      handle: async (_job, { messageId, redelivered }) => {
        handled.push({ messageId, redelivered });
        await slowWork.promise;
      },
    });
    try {
      await fillDeadLetterQueue(names.deadLetterQueue);
      // The slow job is delivered first, so it sits unacked below the refused one's delivery tag.
      rabbit.channel.sendToQueue(names.queue, Buffer.from('{"kind":"slow"}'), { messageId: 'm-slow' });
      rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: 'm-refused' });
      // Requeued and refused again, over and over: a logger was never needed to hand it back.
      await waitUntil(() => poisonParses >= 5, 'the refused message to come back several times');
      expect(handled).toEqual([{ messageId: 'm-slow', redelivered: false }]); // not requeued with it
      expect(await takeFiller(names.deadLetterQueue)).toBe('filler');
      const [dead] = await takeAll(rabbit.channel, names.deadLetterQueue, 1);
      expect(dead?.properties.messageId).toBe('m-refused');
      slowWork.resolve();
      await waitUntil(async () => (await rabbit.channel.checkQueue(names.queue)).messageCount === 0, 'an empty queue');
    } finally {
      slowWork.resolve();
      await consumer.stop();
    }
    expect(handled).toEqual([{ messageId: 'm-slow', redelivered: false }]);
  });
});
