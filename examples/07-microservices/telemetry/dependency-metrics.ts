import type { Channel } from 'amqplib';
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';
import { metricsRegistry } from './metrics.js';

const pools = new Map<string, Pool>();
const queues = new Map<string, () => Promise<number>>();
const registered = new WeakSet<Registry>();

// #region watch-pool
/** The pool's own counters, read at scrape time: `waiting` above zero means queries queue for a connection. */
export function watchPool(pool: Pool, name: string): () => void {
  pools.set(name, pool);
  registerGauges(metricsRegistry);
  return () => void (pools.get(name) === pool && pools.delete(name));
}
// #endregion watch-pool

export interface QueueWatch {
  /** The queue a consumer reads: messages ready in it are the consumer's lag. */
  queue: string;
  /** Where it dead-letters: its depth is what failed for good. */
  deadLetterQueue: string;
}

// #region watch-queue
/**
 * Consumer lag and dead-letter depth, asked of the broker at scrape time on a channel of their own:
 * `checkQueue` on a missing queue closes its channel, which must never be the one the consumer
 * reads from. A broker that does not answer drops the series for one scrape, not the whole response.
 */
export function watchQueue(connection: { createChannel(): Promise<Channel> }, watch: QueueWatch): () => void {
  let channel: Promise<Channel> | undefined;
  const open = () => {
    channel ??= connection.createChannel().then((opened) => {
      opened.on('error', () => {}); // a closed channel is reopened on the next scrape
      opened.once('close', () => {
        channel = undefined;
      });
      return opened;
    });
    return channel;
  };
  const depth = async (queue: string) => (await (await open()).checkQueue(queue)).messageCount;
  queues.set(`lag:${watch.queue}`, () => depth(watch.queue));
  queues.set(`dlq:${watch.deadLetterQueue}`, () => depth(watch.deadLetterQueue));
  registerGauges(metricsRegistry);
  return () => {
    queues.delete(`lag:${watch.queue}`);
    queues.delete(`dlq:${watch.deadLetterQueue}`);
    void channel?.then((ch) => ch.close()).catch(() => {});
  };
}
// #endregion watch-queue

function registerGauges(registry: Registry): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  const poolGauge = (name: string, help: string, read: (pool: Pool) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [pool, watched] of pools) this.set({ pool }, read(watched));
      },
    });
  poolGauge('pg_pool_connections_total', 'Connections the pool holds, idle or in use', (p) => p.totalCount);
  poolGauge('pg_pool_connections_idle', 'Connections the pool holds that no query is using', (p) => p.idleCount);
  poolGauge('pg_pool_waiting_requests', 'Queries waiting for a connection', (p) => p.waitingCount);
  const queueGauge = (name: string, help: string, kind: 'lag' | 'dlq') =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const asked = [...queues].filter(([key]) => key.startsWith(`${kind}:`));
        await Promise.all(
          asked.map(async ([key, read]) => {
            // No value this scrape when the broker does not answer: an absent series is what `absent()` alerts on.
            const count = await read().catch(() => undefined);
            if (count !== undefined) this.set({ queue: key.slice(4) }, count);
          }),
        );
      },
    });
  queueGauge('rabbitmq_consumer_lag_messages', 'Messages ready in the queue, not yet taken by a consumer', 'lag');
  queueGauge('rabbitmq_dead_letter_messages', 'Messages in the dead-letter queue', 'dlq');
}
