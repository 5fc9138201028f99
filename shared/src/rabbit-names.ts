import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel } from 'amqplib';

/**
 * Under `pnpm test`, every name handed out is also written to a file of the run, so what a file
 * interrupted before its own teardown leaves can still be deleted: RabbitMQ cannot list queues over
 * AMQP, and its management API may not be there.
 */
export function runNamesFile(run: string): string {
  return join(tmpdir(), `cookbook-test-run-${run.replace(/[^a-z0-9]/g, '')}.rabbit`);
}

function record(kind: 'queue' | 'exchange', name: string): void {
  const run = process.env.COOKBOOK_TEST_RUN;
  if (run) appendFileSync(runNamesFile(run), `${kind} ${name}\n`);
}

/** The queues and exchanges a run's processes were handed, read back once (the file is removed). */
export function takeRunNames(run: string): { queues: string[]; exchanges: string[] } {
  const file = runNamesFile(run);
  if (!existsSync(file)) return { queues: [], exchanges: [] };
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  rmSync(file, { force: true });
  const named = (kind: string) => [
    ...new Set(lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.slice(kind.length + 1))),
  ];
  return { queues: named('queue'), exchanges: named('exchange') };
}

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
      if (!queues.includes(name)) {
        queues.push(name);
        record('queue', name);
      }
      return name;
    },
    exchange(base) {
      const name = `test.${label}.${id}.${base}`;
      if (!exchanges.includes(name)) {
        exchanges.push(name);
        record('exchange', name);
      }
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
