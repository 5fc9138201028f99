import { randomBytes } from 'node:crypto';
import type { Channel } from 'amqplib';

/** Queue and exchange names unique to one test file: `names.queue('orders')` → `test.orders.<label>.<id>`. */
export interface RabbitNames {
  queue(base: string): string;
  exchange(base: string): string;
  /** Everything handed out so far, to delete after the tests. */
  readonly queues: readonly string[];
  readonly exchanges: readonly string[];
}

export function rabbitNames(label = 'test'): RabbitNames {
  const id = randomBytes(4).toString('hex');
  const queues: string[] = [];
  const exchanges: string[] = [];
  return {
    queue(base) {
      const name = `test.${label}.${id}.${base}`;
      if (!queues.includes(name)) queues.push(name);
      return name;
    },
    exchange(base) {
      const name = `test.${label}.${id}.${base}`;
      if (!exchanges.includes(name)) exchanges.push(name);
      return name;
    },
    queues,
    exchanges,
  };
}

/** Deletes the queues and exchanges that `names` handed out; missing ones are fine. */
export async function deleteRabbitNames(channel: Channel, names: RabbitNames): Promise<void> {
  for (const queue of names.queues) await channel.deleteQueue(queue);
  for (const exchange of names.exchanges) await channel.deleteExchange(exchange);
}
