import { testServices } from '@cookbook/shared/testing';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useShopEnv } from '../test/shop-env.js';
import { declareShopQueues, shopQueuesFromEnv } from './broker.js';

const shop = useShopEnv('broker_names');

describe('the shop queues', () => {
  it('are named by SHOP_EXCHANGE, SHOP_QUEUE and SHOP_DEAD_LETTER_QUEUE, with defaults', () => {
    const names = { SHOP_EXCHANGE: 'x', SHOP_QUEUE: 'q', SHOP_DEAD_LETTER_QUEUE: 'dlq' };
    expect(shopQueuesFromEnv(names)).toEqual({ exchange: 'x', queue: 'q', deadLetterQueue: 'dlq' });
    expect(shopQueuesFromEnv({})).toEqual({
      exchange: 'shop.orders',
      queue: 'shop.emails',
      deadLetterQueue: 'shop.emails.dlq',
    });
  });

  describe('as declared', () => {
    let broker: ChannelModel;
    beforeAll(async () => {
      broker = await amqp.connect(testServices().amqpUrl);
      await declareShopQueues(await broker.createChannel(), shopQueuesFromEnv(shop.env()));
    });
    afterAll(async () => {
      await broker?.close();
    });
    /** Declaring again with other properties fails (406 PRECONDITION_FAILED): what was declared is this. */
    async function declaredAs(declare: (channel: Channel) => Promise<unknown>): Promise<boolean> {
      const channel = await broker.createChannel();
      channel.on('error', () => {});
      return declare(channel).then(
        () => channel.close().then(() => true),
        () => false,
      );
    }

    it('survive a broker restart: a durable topic exchange, durable queues, the queue dead-lettering to its DLQ', async () => {
      const { exchange, queue, deadLetterQueue } = shopQueuesFromEnv(shop.env());
      expect(await declaredAs((c) => c.assertExchange(exchange, 'topic', { durable: true }))).toBe(true);
      expect(await declaredAs((c) => c.assertQueue(deadLetterQueue, { durable: true }))).toBe(true);
      const dlx = { durable: true, deadLetterExchange: '', deadLetterRoutingKey: deadLetterQueue };
      expect(await declaredAs((c) => c.assertQueue(queue, dlx))).toBe(true);
      // The check can fail: a transient one is refused.
      expect(await declaredAs((c) => c.assertQueue(queue, { ...dlx, durable: false }))).toBe(false);
    });
  });
});
