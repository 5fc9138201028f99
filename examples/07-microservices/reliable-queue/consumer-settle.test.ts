import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, connectBroker } from '../broker/connection.js';
import { REASON_HEADER, startConsumer } from '../broker/consumer.js';
import { ATTEMPT_HEADER, retryQueueName } from '../broker/retry.js';
import { correlationId } from '../correlation/correlation.js';
import { consumerQueues, depth, takeAll, useRabbit } from '../test/amqp.js';
import { recordingLog } from '../test/recording-log.js';

const rabbit = useRabbit('settle');
let broker: Broker;
beforeAll(async () => {
  broker = await connectBroker(testServices().amqpUrl);
});
afterAll(async () => broker?.close());

/** Whether `queue` can be declared durable, with `args`, as it is: a mismatch closes a throwaway channel. */
async function declaredAs(queue: string, args: object = {}): Promise<boolean> {
  const probe = await broker.createChannel();
  probe.on('error', () => {});
  return probe.assertQueue(queue, { durable: true, ...args }).then(
    () => probe.close().then(() => true),
    () => false,
  );
}

describe('a consumer settles every message', () => {
  it('declares its queue, dead-letter queue and retry queues durable: they outlive a broker restart', async () => {
    const names = consumerQueues(rabbit.names, 'durable', [30]);
    const consumer = await startConsumer(broker, { ...names, parse: (b) => b, handle: async () => {} });
    await consumer.stop();
    expect(await declaredAs(names.queue)).toBe(true);
    expect(await declaredAs(names.deadLetterQueue)).toBe(true);
    const retry = { messageTtl: 30, deadLetterExchange: '', deadLetterRoutingKey: names.queue };
    expect(await declaredAs(retryQueueName(names.queue, 30), retry)).toBe(true);
  });

  it('a queue that exists with other arguments fails the start instead of retrying in silence', async () => {
    const names = consumerQueues(rabbit.names, 'mismatch', [30]);
    await rabbit.channel.assertQueue(names.queue, { durable: true, maxLength: 5 });
    const start = startConsumer(broker, { ...names, parse: (b) => b, handle: async () => {} });
    await expect(start).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('its retry and dead-letter copies keep the message, persistent, with its own headers', async () => {
    const names = consumerQueues(rabbit.names, 'copies', [20]);
    const { log, fieldsOf } = recordingLog();
    const consumer = await startConsumer(broker, {
      ...names,
      log,
      parse: (b) => b,
      handle: async () => {
        throw new Error('smtp timeout');
      },
    });
    rabbit.channel.sendToQueue(names.queue, Buffer.from('{"n":1}'), {
      messageId: 'm-copy',
      contentType: 'application/json',
      headers: { 'x-tenant': 'acme' },
    });
    const [dead] = await takeAll(rabbit.channel, names.deadLetterQueue, 1);
    expect(dead?.content.toString()).toBe('{"n":1}');
    expect(dead?.properties).toMatchObject({ messageId: 'm-copy', contentType: 'application/json', deliveryMode: 2 });
    expect(dead?.properties.headers).toMatchObject({
      'x-tenant': 'acme',
      [ATTEMPT_HEADER]: 2,
      [REASON_HEADER]: 'gave up after 2 attempts: smtp timeout',
    });
    expect(fieldsOf('retrying message')).toEqual([
      { messageId: 'm-copy', attempt: 1, delayMs: 20, error: 'smtp timeout' },
    ]);
    expect(fieldsOf('dead-lettering message')).toEqual([
      { messageId: 'm-copy', reason: 'gave up after 2 attempts: smtp timeout' },
    ]);
    await consumer.stop();
  });

  it('runs the handler under the message correlation id, or its messageId when it has none', async () => {
    const names = consumerQueues(rabbit.names, 'correlation', [20]);
    const seen = new Map<string, string | undefined>();
    const consumer = await startConsumer(broker, {
      ...names,
      parse: (b) => b,
      handle: async (_b, { messageId }) => void seen.set(messageId, correlationId()),
    });
    rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: 'm-1', correlationId: 'req-42' });
    rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: 'm-2' });
    await waitUntil(() => seen.size === 2, 'both handled');
    expect(Object.fromEntries(seen)).toEqual({ 'm-1': 'req-42', 'm-2': 'm-2' });
    await consumer.stop();
  });

  it('stop() takes no new message, waits for the one in hand, and acks it', async () => {
    const names = consumerQueues(rabbit.names, 'stop', [20]);
    let finish = () => {};
    const inHand = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const started: string[] = [];
    const consumer = await startConsumer(broker, {
      ...names,
      prefetch: 1,
      parse: (b) => b,
      handle: async (_b, { messageId }) => {
        started.push(messageId);
        await inHand;
      },
    });
    for (const id of ['first', 'second']) rabbit.channel.sendToQueue(names.queue, Buffer.from('{}'), { messageId: id });
    await waitUntil(() => started.length === 1, 'the first message in hand');
    expect(consumer.consuming).toBe(true);
    let stopped = false;
    const stopping = consumer.stop().then(() => {
      stopped = true;
    });
    await waitUntil(async () => (await rabbit.channel.checkQueue(names.queue)).consumerCount === 0, 'the cancel');
    expect(consumer.consuming).toBe(false);
    expect(stopped).toBe(false); // still waiting for the handler
    finish();
    await stopping;
    expect(started).toEqual(['first']);
    expect(await depth(rabbit.channel, names.queue)).toBe(1); // the second waits; the first was acked
  });
});
