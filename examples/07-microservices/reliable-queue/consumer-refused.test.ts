import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { PoisonMessageError, REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { consumerQueues, takeAll, useRabbit } from '../test/amqp.js';
import { recordingLog } from '../test/recording-log.js';

const rabbit = useRabbit('refused');
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
      // A dead-letter queue that is full (one filler of one allowed) and rejects publishes: the broker
      // nacks every copy. Swapped in after the consumer declared its own.
      await rabbit.channel.deleteQueue(names.deadLetterQueue);
      await rabbit.channel.assertQueue(names.deadLetterQueue, {
        durable: true,
        maxLength: 1,
        arguments: { 'x-overflow': 'reject-publish' },
      });
      rabbit.channel.sendToQueue(names.deadLetterQueue, Buffer.from('filler'), { messageId: 'filler' });
      await rabbit.channel.waitForConfirms();
      rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: 'm-refused' });
      await waitUntil(() => fieldsOf('could not settle message, requeueing it').length > 0, 'a refused copy');
      expect(fieldsOf('could not settle message, requeueing it')[0]).toEqual({
        error: expect.stringMatching(/^broker refused the copy/),
      });
      // Room again: the requeued message comes back, and this time its copy is taken.
      expect(
        ((await rabbit.channel.get(names.deadLetterQueue, { noAck: true })) || undefined)?.properties.messageId,
      ).toBe('filler');
      const [dead] = await takeAll(rabbit.channel, names.deadLetterQueue, 1);
      expect(dead?.properties.messageId).toBe('m-refused');
      expect(dead?.properties.headers?.[REASON_HEADER]).toBe('field "orderId" is missing');
    } finally {
      await consumer.stop();
    }
  });
});
