import { startTcpProxy, testServices, waitUntil } from '@cookbook/shared/testing';
import { describe, expect, it } from 'vitest';
import { connectBroker } from '../broker/connection.js';
import { startConsumer } from '../broker/consumer.js';
import { createLogger } from '../correlation/logger.js';
import { consumerQueues, depth, publishMany, useRabbit } from '../test/amqp.js';

const rabbit = useRabbit('prefetch');
const quiet = createLogger('test', () => {});

describe('prefetch', () => {
  // The crash test proves the same in a child process, where a mutation run sees no coverage: this
  // one loses the consumer's connection in-process, so deleting the prefetch fails it here too.
  it('a consumer holds at most its prefetch unacknowledged: a lost connection hands back only those', async () => {
    const TOTAL = 300;
    const PREFETCH = 10;
    const names = consumerQueues(rabbit.names, 'held', [50]);
    const proxy = await startTcpProxy(testServices().amqpUrl);
    const broker = await connectBroker(proxy.url());
    let release = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    let hang = true;
    const handled = new Set<string>();
    let redelivered = 0;
    const consumer = await startConsumer(broker, {
      ...names,
      prefetch: PREFETCH,
      log: quiet,
      parse: (body) => body,
      handle: async (_body, context) => {
        started += 1;
        if (hang) await stuck; // a handler that hangs: its message stays unacknowledged
        handled.add(context.messageId);
        if (context.redelivered) redelivered += 1;
      },
    });
    try {
      await publishMany(rabbit.channel, names.queue, TOTAL);
      await waitUntil(() => started >= PREFETCH, 'the consumer to fill its prefetch');
      // Without a prefetch the broker would push the whole queue to the one consumer that hangs.
      expect(await depth(rabbit.channel, names.queue)).toBe(TOTAL - PREFETCH);
      expect(started).toBe(PREFETCH);

      proxy.refuse(true);
      proxy.cutAll(); // as good as a crash: the broker requeues what it held, flagged redelivered
      await waitUntil(async () => (await depth(rabbit.channel, names.queue)) === TOTAL, 'the held ones requeued');
      hang = false;
      proxy.refuse(false); // the same consumer re-attaches and takes up the queue again
      await waitUntil(() => handled.size === TOTAL, 'every message handled after the reconnect');
      expect(redelivered).toBe(PREFETCH);
    } finally {
      release();
      await consumer.stop();
      await broker.close();
      await proxy.close();
    }
  });
});
