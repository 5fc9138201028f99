import {
  deleteRedisPrefix,
  type Fixture,
  redisPrefix,
  spawnFixture,
  testServices,
  waitUntil,
} from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BullEmailQueue,
  closeBullQueue,
  createBullEmailQueue,
  enqueueEmail,
  processEmails,
  seedEnqueueEmail,
} from './bull-queue.js';
import type { QueueSettings } from './email.js';
import { email, gapsBetweenAttempts, recordingMailer } from './test/mailer.js';

const prefix = redisPrefix('bull').slice(0, -1);
const fast = { attempts: 3, backoffMs: 100 };
let redis: Redis;
const queues: BullEmailQueue[] = [];
const children: Fixture[] = [];
const WORKER_CHILD = new URL('./test/worker-child.ts', import.meta.url);

/** A worker in its own process, killed at the end of the file if a test left it running. */
function workerProcess(name: string): Fixture {
  const child = spawnFixture(WORKER_CHILD, {
    args: ['--library', 'bull', '--redis-url', testServices().redisUrl, '--prefix', prefix, '--queue', name],
  });
  children.push(child);
  return child;
}

function settings(name: string): QueueSettings {
  return { redisUrl: testServices().redisUrl, prefix, name, lockDurationMs: 1000, stalledIntervalMs: 500 };
}
function queue(name: string): BullEmailQueue {
  const created = createBullEmailQueue(settings(name));
  queues.push(created);
  return created;
}
const finished = (q: BullEmailQueue, n: number) => async () => {
  const counts = await q.getJobCounts();
  return counts.completed + counts.failed >= n;
};

beforeAll(() => {
  redis = new Redis(testServices().redisUrl);
});
afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
  await Promise.all(queues.map((q) => closeBullQueue(q)));
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

describe('a Bull email queue', () => {
  it('runs jobs one at a time, in the order they were added', async () => {
    const q = queue('order');
    const mailer = recordingMailer();
    for (let n = 1; n <= 10; n++) await enqueueEmail(q, email(n), fast);
    void processEmails(q, mailer.send);
    await waitUntil(finished(q, 10), '10 jobs');
    expect(mailer.sent).toEqual(Array.from({ length: 10 }, (_, i) => email(i + 1).to));
    expect(mailer.maxActive).toBe(1);
  });

  // #region single-attempt
  it("retries with exponential backoff where the Q&A's single attempt drops the email", async () => {
    const q = queue('retry');
    const mailer = recordingMailer((_, attempt) => attempt < 3);
    const seed = await seedEnqueueEmail(q, email(1));
    const retried = await enqueueEmail(q, email(2), fast);
    void processEmails(q, mailer.send);
    await waitUntil(finished(q, 2), 'both jobs');
    expect(await (await q.getJob(seed.id))?.getState()).toBe('failed');
    expect(await (await q.getJob(retried.id))?.getState()).toBe('completed');
    expect(mailer.sent).toEqual([email(2).to]);
    // The seed's job was run, and failed on its one attempt.
    expect(mailer.attempts.filter((a) => a.to === email(1).to)).toHaveLength(1);
    const [first, second] = gapsBetweenAttempts(mailer.attempts, email(2).to) as [number, number];
    // Lower bounds only: Bull never retries early, however loaded the machine is.
    expect(first).toBeGreaterThanOrEqual(fast.backoffMs * 0.95);
    expect(second).toBeGreaterThanOrEqual(2 * fast.backoffMs * 0.95);
  });
  // #endregion single-attempt

  it('keeps a job that failed every attempt in the failed set, with its error', async () => {
    const q = queue('failing');
    const job = await enqueueEmail(q, email(1), fast);
    void processEmails(q, recordingMailer(() => true).send);
    await waitUntil(finished(q, 1), 'the job to fail');
    const [failed] = await q.getFailed();
    expect(failed?.id).toBe(job.id);
    expect(failed?.attemptsMade).toBe(3);
    expect(failed?.failedReason).toMatch(/SMTP 451 for user1@example.com \(attempt 3\)/);
  });

  it('gives the job of a worker killed mid-job to the next worker: nothing is lost', async () => {
    const name = 'killed';
    const q = queue(name);
    for (let n = 1; n <= 3; n++) await enqueueEmail(q, email(n), fast);
    const child = workerProcess(name);
    const [, started] = await child.waitForLine(/^started (\S+)/);
    await child.kill(); // SIGKILL, mid-job

    const stalled: string[] = [];
    q.on('stalled', (job) => stalled.push(job.data.to));
    const mailer = recordingMailer();
    void processEmails(q, mailer.send);
    await waitUntil(finished(q, 3), 'all three jobs');
    expect(started).toBe(email(1).to);
    expect(stalled).toEqual([email(1).to]);
    expect(mailer.sent.sort()).toEqual([email(1).to, email(2).to, email(3).to]);
  });

  // #region killed-twice
  it('a job whose worker is killed twice is failed, not handed out a third time (maxStalledCount: 1)', async () => {
    const name = 'killed-twice';
    const q = queue(name);
    const job = await enqueueEmail(q, email(1), fast);
    for (let death = 1; death <= 2; death++) {
      // The second worker gets the job only after its stalled check has taken it from the first.
      const child = workerProcess(name);
      await child.waitForLine(/^started user1@example.com$/);
      await child.kill(); // SIGKILL, mid-job
    }
    const mailer = recordingMailer();
    void processEmails(q, mailer.send);
    await waitUntil(finished(q, 1), 'the job to be failed');
    expect(await (await q.getJob(job.id))?.getState()).toBe('failed');
    expect((await q.getJob(job.id as string))?.failedReason).toMatch(/stalled more than allowable limit/);
    expect(mailer.sent).toEqual([]); // a job that kills its workers does not get a third one
  });
  // #endregion killed-twice
});
