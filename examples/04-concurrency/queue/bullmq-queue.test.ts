import {
  deleteRedisPrefix,
  type Fixture,
  redisPrefix,
  spawnFixture,
  testServices,
  waitUntil,
} from '@cookbook/shared/testing';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barrier } from '../test/barrier.js';
import { type BullmqEmailQueue, createBullmqEmailQueue, enqueueEmailJob, startEmailWorker } from './bullmq-queue.js';
import type { Email, QueueSettings, SendEmail } from './email.js';
import { email, gapsBetweenAttempts, recordingMailer } from './test/mailer.js';

const prefix = redisPrefix('bullmq').slice(0, -1);
const fast = { attempts: 3, backoffMs: 100 };
let redis: Redis;
const closers: { close(): Promise<void> }[] = [];
const children: Fixture[] = [];
const WORKER_CHILD = new URL('./test/worker-child.ts', import.meta.url);

/** A worker in its own process, killed at the end of the file if a test left it running. */
function workerProcess(name: string): Fixture {
  const child = spawnFixture(WORKER_CHILD, {
    args: ['--library', 'bullmq', '--redis-url', testServices().redisUrl, '--prefix', prefix, '--queue', name],
  });
  children.push(child);
  return child;
}

function settings(name: string): QueueSettings {
  return { redisUrl: testServices().redisUrl, prefix, name, lockDurationMs: 1000, stalledIntervalMs: 500 };
}
function queue(name: string): BullmqEmailQueue {
  const created = createBullmqEmailQueue(settings(name));
  closers.push(created);
  return created;
}
function worker(name: string, send: SendEmail): Worker<Email> {
  const created = startEmailWorker(settings(name), send);
  closers.unshift(created); // workers close before their queues
  return created;
}
const finished = (q: BullmqEmailQueue, n: number) => async () => {
  const counts = await q.getJobCounts('completed', 'failed');
  return (counts.completed ?? 0) + (counts.failed ?? 0) >= n;
};

beforeAll(() => {
  redis = new Redis(testServices().redisUrl);
});
afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
  for (const closer of closers) await closer.close();
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('a BullMQ email queue', () => {
  it('runs jobs one at a time, in the order they were added', async () => {
    const q = queue('order');
    const mailer = recordingMailer();
    for (let n = 1; n <= 10; n++) await enqueueEmailJob(q, email(n), fast);
    worker('order', mailer.send);
    await waitUntil(finished(q, 10), '10 jobs');
    expect(mailer.sent).toEqual(Array.from({ length: 10 }, (_, i) => email(i + 1).to));
    expect(mailer.maxActive).toBe(1);
  });

  it('concurrency 1 is per worker: two workers run two jobs at once', async () => {
    const q = queue('two-workers');
    const bothBusy = barrier(2);
    let active = 0;
    let maxActive = 0;
    const send: SendEmail = async () => {
      maxActive = Math.max(maxActive, ++active);
      // Wait for a second job to be running too, but never forever: one worker alone must still finish.
      await Promise.race([bothBusy(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
      active -= 1;
    };
    for (let n = 1; n <= 4; n++) await enqueueEmailJob(q, email(n), fast);
    worker('two-workers', send);
    worker('two-workers', send);
    await waitUntil(finished(q, 4), '4 jobs');
    expect(maxActive).toBe(2);
  });

  it('retries with exponential backoff; a job without attempts fails on the first error', async () => {
    const q = queue('retry');
    const mailer = recordingMailer((_, attempt) => attempt < 3);
    const single = await q.add('send', email(1));
    const retried = await enqueueEmailJob(q, email(2), fast);
    worker('retry', mailer.send);
    await waitUntil(finished(q, 2), 'both jobs');
    expect(await q.getJobState(single.id as string)).toBe('failed');
    expect(await q.getJobState(retried.id as string)).toBe('completed');
    expect(mailer.sent).toEqual([email(2).to]);
    const [first, second] = gapsBetweenAttempts(mailer.attempts, email(2).to) as [number, number];
    expect(first).toBeGreaterThanOrEqual(fast.backoffMs * 0.95);
    expect(second).toBeGreaterThanOrEqual(2 * fast.backoffMs * 0.95);
  });

  it('keeps a job that failed every attempt in the failed set, with its error', async () => {
    const q = queue('failing');
    const job = await enqueueEmailJob(q, email(1), fast);
    worker('failing', recordingMailer(() => true).send);
    await waitUntil(finished(q, 1), 'the job to fail');
    const [failed] = await q.getFailed();
    expect(failed?.id).toBe(job.id);
    expect(failed?.attemptsMade).toBe(3);
    expect(failed?.failedReason).toMatch(/SMTP 451 for user1@example.com \(attempt 3\)/);
  });

  it('gives the job of a worker killed mid-job to the next worker: nothing is lost', async () => {
    const name = 'killed';
    const q = queue(name);
    for (let n = 1; n <= 3; n++) await enqueueEmailJob(q, email(n), fast);
    const child = workerProcess(name);
    const [, started] = await child.waitForLine(/^started (\S+)/);
    await child.kill(); // SIGKILL, mid-job

    const mailer = recordingMailer();
    const stalled: string[] = [];
    worker(name, mailer.send).on('stalled', (jobId) => stalled.push(jobId));
    await waitUntil(finished(q, 3), 'all three jobs');
    expect(started).toBe(email(1).to);
    expect(stalled).toHaveLength(1);
    expect(mailer.sent.sort()).toEqual([email(1).to, email(2).to, email(3).to]);
  });

  // #region killed-twice
  it('a job whose worker is killed twice is failed, not handed out a third time (maxStalledCount: 1)', async () => {
    const name = 'killed-twice';
    const q = queue(name);
    const job = await enqueueEmailJob(q, email(1), fast);
    for (let death = 1; death <= 2; death++) {
      // The second worker gets the job only after its stalled check has taken it from the first.
      const child = workerProcess(name);
      await child.waitForLine(/^started user1@example.com$/);
      await child.kill(); // SIGKILL, mid-job
    }
    const mailer = recordingMailer();
    worker(name, mailer.send);
    await waitUntil(finished(q, 1), 'the job to be failed');
    expect(await q.getJobState(job.id as string)).toBe('failed');
    expect((await q.getJob(job.id as string))?.failedReason).toMatch(/stalled more than allowable limit/);
    expect(mailer.sent).toEqual([]); // a job that kills its workers does not get a third one
  });
  // #endregion killed-twice
});
