import type { Channel, ChannelModel } from 'amqplib';
import type { Pool } from 'pg';
import { Gauge, type Registry } from 'prom-client';

// #region pg-pool-metrics
/** The pool's own counters, read at scrape time: `waiting` above zero means requests queue for a connection. */
export function recordPoolMetrics(registry: Registry, pool: Pool, name = 'default'): void {
  const gauge = (metric: string, help: string, read: () => number) =>
    new Gauge({
      name: metric,
      help,
      labelNames: ['pool'] as const,
      registers: [registry],
      collect() {
        this.set({ pool: name }, read());
      },
    });
  gauge('pg_pool_connections_total', 'Connections the pool holds, idle or in use', () => pool.totalCount);
  gauge('pg_pool_connections_idle', 'Connections the pool holds that no query is using', () => pool.idleCount);
  gauge('pg_pool_waiting_requests', 'Callers waiting for a connection', () => pool.waitingCount);
}
// #endregion pg-pool-metrics

export interface QueueWatch {
  /** The queue a consumer reads: its backlog is the consumer's lag. */
  queue: string;
  /** Where the queue dead-letters: its depth is what failed for good. */
  deadLetterQueue: string;
}

// #region rabbit-metrics
/**
 * Consumer lag (messages ready that no consumer has taken yet) and dead-letter depth, asked of the
 * broker at scrape time on a channel of their own: `checkQueue` on a missing queue closes its
 * channel, which must never be the one the consumer reads from. A broker that does not answer drops
 * these series for one scrape instead of failing the whole `/metrics` response.
 */
export function recordQueueMetrics(
  registry: Registry,
  connection: Pick<ChannelModel, 'createChannel'>,
  watch: QueueWatch,
): void {
  let channel: Promise<Channel> | undefined;
  const open = () => {
    channel ??= connection.createChannel().then((opened) => {
      opened.on('error', () => {}); // a closed channel is reopened on the next scrape
      opened.on('close', () => {
        channel = undefined;
      });
      return opened;
    });
    return channel;
  };
  const gauge = (metric: string, help: string, queue: string) =>
    new Gauge({
      name: metric,
      help,
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          this.set({ queue }, (await (await open()).checkQueue(queue)).messageCount);
        } catch {
          channel = undefined; // no value this scrape: an absent series is what `absent()` alerts on
        }
      },
    });
  gauge('rabbitmq_consumer_lag_messages', 'Messages ready in the queue, not yet taken by a consumer', watch.queue);
  gauge('rabbitmq_dead_letter_messages', 'Messages in the dead-letter queue', watch.deadLetterQueue);
}
// #endregion rabbit-metrics

// #region readiness-metric
/** 1 while the service reports ready, 0 while not: `changes()` over it catches a flapping readiness check. */
export function recordReadiness(registry: Registry, isReady: () => boolean): void {
  new Gauge({
    name: 'app_ready',
    help: '1 when the readiness check passes, 0 when it fails',
    registers: [registry],
    collect() {
      this.set(isReady() ? 1 : 0);
    },
  });
}
// #endregion readiness-metric
