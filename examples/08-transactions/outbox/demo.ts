import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';
import { createOutboxTables, placeOrder, relayOutbox } from '../outbox.js';
import { awardPoints, consumeOrderPlaced, createLoyaltyTables, declareOrderTopology } from '../outbox-consumer.js';
import type { DemoContext } from './context.js';

class SimulatedCrash extends Error {}

export async function outboxDemo({ scratchDatabase, amqpUrl, log }: DemoContext): Promise<void> {
  const pool = new pg.Pool({ connectionString: await scratchDatabase('outbox'), max: 3 });
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createConfirmChannel();
  const id = randomBytes(3).toString('hex');
  const exchange = `cookbook.transactions.demo.${id}`;
  const queue = `cookbook.transactions.loyalty.${id}`;
  try {
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
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, 10_000);
      void consumeOrderPlaced(pool, channel, queue, awardPoints, () => {
        if (++handled === queued) {
          clearTimeout(timeout);
          resolve();
        }
      });
    });
    const { rows } = await pool.query('SELECT points FROM loyalty_points WHERE customer_id = 1');
    log(
      `the consumer handled ${handled} deliveries and awarded ${rows[0]?.points} points (75 = 10 + 25 + 40, each once)`,
    );
  } finally {
    await channel.deleteQueue(queue).catch(() => {});
    await channel.deleteExchange(exchange).catch(() => {});
    await connection.close();
    await pool.end();
  }
}
