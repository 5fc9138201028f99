import { randomBytes } from 'node:crypto';
import { setInterval, setTimeout as sleep } from 'node:timers/promises';
import { recipe } from '@cookbook/shared';
import amqp from 'amqplib';
import { demoPool } from '../src/demo-pool.js';
import { createOutboxTables, placeOrder, relayOutbox } from './outbox.js';
import { awardPoints, consumeOrderPlaced, createLoyaltyTables, declareOrderTopology } from './outbox-consumer.js';
import { connectBroker, runRelay } from './relay.js';

class SimulatedCrash extends Error {}

export const outboxDemo = recipe({
  services: ['postgres', 'rabbitmq'],
  title: 'order and event in one transaction, a relay to RabbitMQ, an idempotent consumer',
  lookFor: 'a crash between publish and mark re-sends events; the consumer applies each once anyway',
  async run(context) {
    const { scratchDatabase, urls, log, defer } = context;
    const pool = demoPool(context, await scratchDatabase('outbox'), 3);
    const connection = await amqp.connect(urls.amqpUrl, { noDelay: true });
    defer(() => connection.close());
    const channel = await connection.createConfirmChannel();
    const id = randomBytes(3).toString('hex');
    const exchange = `cookbook.transactions.demo.${id}`;
    const queue = `cookbook.transactions.loyalty.${id}`;
    defer(async () => {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
    });
    await createOutboxTables(pool);
    await createLoyaltyTables(pool);
    await declareOrderTopology(channel, exchange, queue);
    for (const cents of [1_000, 2_500, 4_000]) await placeOrder(pool, 1, cents);
    log('3 orders placed, each with its order.placed event in the same transaction');

    // The relay publishes, the broker confirms, and the relay dies before marking the rows sent.
    await relayOutbox(pool, channel, exchange, {
      afterPublish: () => {
        throw new SimulatedCrash();
      },
    }).catch((error: unknown) => {
      if (!(error instanceof SimulatedCrash)) throw error;
    });
    log(
      `relay crashed after publishing: ${(await channel.checkQueue(queue)).messageCount} messages queued, outbox rows still unsent`,
    );
    log(`the restarted relay sends ${await relayOutbox(pool, channel, exchange)} events again`);

    const queued = (await channel.checkQueue(queue)).messageCount;
    let handled = 0;
    const allHandled = Promise.withResolvers<void>();
    await consumeOrderPlaced(pool, channel, queue, awardPoints, () => {
      if (++handled === queued) allHandled.resolve();
    });
    // Bounded: 10 s at most, and Ctrl-C ends the wait; an unref'd timer does not hold the exit.
    const giveUp = sleep(10_000, undefined, { signal: context.signal, ref: false }).catch(() => {});
    await Promise.race([allHandled.promise, giveUp]);
    const { rows } = await pool.query('SELECT points FROM loyalty_points WHERE customer_id = 1');
    log(
      `the consumer handled ${handled} deliveries and awarded ${rows[0]?.points} points (75 = 10 + 25 + 40, each once)`,
    );

    // In production the relay is a loop on a connection that reconnects by itself.
    const broker = await connectBroker(urls.amqpUrl, (error) => log(`broker: ${error.message}`));
    defer(() => broker.close());
    const stop = new AbortController();
    const relay = runRelay(pool, broker, exchange, {
      signal: stop.signal,
      idleMs: 50,
      onError: (e) => log(`relay: ${e}`),
    });
    defer(async () => {
      stop.abort();
      await relay;
    });
    await placeOrder(pool, 2, 9_900);
    const unsent = async () =>
      (await pool.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;
    for await (const _ of setInterval(50, undefined, { signal: context.signal })) if ((await unsent()) === '0') break;
    log('runRelay picked up the next order on its own: 0 events unsent');
  },
});
