import { parseArgs } from 'node:util';
import type { ConfirmChannel } from 'amqplib';
import { REASON_HEADER } from '../broker/consumer.js';
import { ATTEMPT_HEADER } from '../broker/retry.js';

export interface Redrive {
  deadLetterQueue: string;
  queue: string;
  /** At most this many; by default, every message in the dead-letter queue when it starts. */
  limit?: number;
}

// #region redrive
/**
 * Moves dead letters back to the work queue for a fresh round of attempts, once the cause is
 * fixed. Each copy is confirmed before its original is acked (a crash mid-way duplicates a
 * message, which the consumer's processed-message check absorbs, and loses none), and it stops at
 * the count it started with, so a message that fails again is not moved twice in one run.
 */
export async function redriveDeadLetters(channel: ConfirmChannel, { deadLetterQueue, queue, limit }: Redrive) {
  const { messageCount } = await channel.checkQueue(deadLetterQueue).catch(() => {
    throw new Error(
      `no queue named "${deadLetterQueue}": pass --redrive the work queue, or --dead-letter-queue its DLQ`,
    );
  });
  const wanted = Math.min(messageCount, limit ?? messageCount);
  let moved = 0;
  while (moved < wanted) {
    const message = await channel.get(deadLetterQueue, { noAck: false });
    if (!message) break;
    // A fresh round: no attempt count, no reason, and none of the broker's death records (x-death,
    // and the x-first-death-* / x-last-death-* summaries RabbitMQ adds beside it).
    const headers = Object.fromEntries(
      Object.entries(message.properties.headers ?? {}).filter(([name]) => !isStaleHeader(name)),
    );
    await new Promise<void>((resolve, reject) =>
      channel.sendToQueue(queue, message.content, { ...message.properties, headers }, (error: unknown) =>
        error ? reject(new Error(`broker refused the redriven copy: ${String(error)}`)) : resolve(),
      ),
    );
    channel.ack(message);
    moved += 1;
  }
  return moved;
}
// #endregion redrive

const STALE_HEADERS = new Set<string>([ATTEMPT_HEADER, REASON_HEADER, 'x-death']);
const DEATH_SUMMARY = /^x-(first|last)-death-/;

function isStaleHeader(name: string): boolean {
  return STALE_HEADERS.has(name) || DEATH_SUMMARY.test(name);
}

/**
 * `--redrive <queue> [--dead-letter-queue <name>] [--limit <n>]`, anywhere in `argv`; undefined
 * without `--redrive`. The dead-letter queue defaults to `<queue>.dlq`.
 */
export function parseRedriveArgs(argv: readonly string[]): Redrive | undefined {
  const { values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { redrive: { type: 'string' }, 'dead-letter-queue': { type: 'string' }, limit: { type: 'string' } },
  });
  if (values.redrive === undefined) return undefined;
  if (values.redrive === '') throw new Error('--redrive needs the work queue, e.g. --redrive orders.email');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) {
    throw new Error(`--limit must be a positive integer, got "${values.limit}"`);
  }
  return {
    queue: values.redrive,
    deadLetterQueue: values['dead-letter-queue'] ?? `${values.redrive}.dlq`,
    ...(limit === undefined ? {} : { limit }),
  };
}
