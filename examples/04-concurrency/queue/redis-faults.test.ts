import { type OwnRedis, startOwnRedis, waitUntil } from '@cookbook/shared/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { closeBullQueue, connectionsSettled, createBullEmailQueue, enqueueEmail, processEmails } from './bull-queue.js';
import { createBullmqEmailQueue, enqueueEmailJob, startEmailWorker } from './bullmq-queue.js';
import type { QueueSettings, SendEmail } from './email.js';
import { email } from './test/mailer.js';

// Each test runs its queue on a redis-server of its own, restarted (SIGKILL, start again) or paused.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ownRedis(appendonly: boolean): Promise<OwnRedis> {
  const server = await startOwnRedis({ appendonly });
  cleanups.push(() => server.stop());
  return server;
}

/** A mail server whose first attempt hangs until `release()`: the job is in flight meanwhile. */
function heldMailer() {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const attempts: number[] = [];
  const send: SendEmail = async (_email, attempt) => {
    attempts.push(attempt);
    if (attempts.length === 1) await released;
  };
  return { send, release, attempts };
}

/** The same steps on either library: enqueue one email, run a worker, read the job's state. */
interface QueueUnderTest {
  enqueue(): Promise<string>;
  state(id: string): Promise<string | undefined>;
  errors: string[];
}

const libraries: Record<string, (settings: QueueSettings, send: SendEmail) => QueueUnderTest> = {
  bull: (settings, send) => {
    const queue = createBullEmailQueue(settings);
    const errors: string[] = [];
    queue.on('error', (error) => errors.push(error.message));
    void processEmails(queue, send);
    cleanups.push(() => closeBullQueue(queue));
    return {
      enqueue: async () => String((await enqueueEmail(queue, email(1), { attempts: 3, backoffMs: 100 })).id),
      state: async (id) => (await queue.getJob(id))?.getState(),
      errors,
    };
  },
  bullmq: (settings, send) => {
    const queue = createBullmqEmailQueue(settings);
    const worker = startEmailWorker(settings, send);
    const errors: string[] = [];
    worker.on('error', (error) => errors.push(error.message));
    queue.on('error', (error) => errors.push(error.message));
    cleanups.push(async () => {
      await worker.close();
      await queue.close();
    });
    return {
      enqueue: async () => String((await enqueueEmailJob(queue, email(1), { attempts: 3, backoffMs: 100 })).id),
      state: async (id) => (await queue.getJobState(id)) ?? undefined,
      errors,
    };
  },
};

const settingsFor = (server: OwnRedis, name: string): QueueSettings => ({
  redisUrl: server.url,
  prefix: 'faults',
  name,
  lockDurationMs: 1000,
  stalledIntervalMs: 500,
});

describe.each(Object.keys(libraries))('%s: a job in flight when Redis fails', (library) => {
  const start = libraries[library] as (typeof libraries)[string];

  it('Redis restarts (appendonly yes): the job finishes or is retried, and completes', async () => {
    const server = await ownRedis(true);
    const mailer = heldMailer();
    const queue = start(settingsFor(server, 'restart'), mailer.send);
    const id = await queue.enqueue();
    await waitUntil(() => mailer.attempts.length > 0, 'the first attempt to start');
    await server.restart();
    mailer.release();
    await waitUntil(async () => (await queue.state(id)) === 'completed', 'the job to complete', 20_000);
    expect(mailer.attempts.length).toBeGreaterThanOrEqual(1); // once, or again after its lock lapsed
  });

  it('Redis pauses past the lock duration: the job is retried and completes', async () => {
    const server = await ownRedis(true);
    const mailer = heldMailer();
    const queue = start(settingsFor(server, 'pause'), mailer.send);
    const id = await queue.enqueue();
    await waitUntil(() => mailer.attempts.length > 0, 'the first attempt to start');
    server.pause();
    const pausedAt = Date.now();
    await waitUntil(() => Date.now() - pausedAt > 1_500, 'the pause to outlast the 1 s lock');
    server.resume();
    mailer.release();
    await waitUntil(async () => (await queue.state(id)) === 'completed', 'the job to complete', 20_000);
  });

  it('❌ Redis restarts without appendonly: the job is gone, and only a worker error says so', async () => {
    const server = await ownRedis(false);
    const mailer = heldMailer();
    const queue = start(settingsFor(server, 'lost'), mailer.send);
    const id = await queue.enqueue();
    await waitUntil(() => mailer.attempts.length > 0, 'the first attempt to start');
    await server.restart();
    mailer.release();
    await waitUntil(() => queue.errors.find((error) => /Missing key for job/.test(error)), 'the worker to notice');
    expect(await queue.state(id)).toBeOneOf([undefined, 'unknown']); // no such job any more
    expect(mailer.attempts).toEqual([1]); // and nobody will retry it
  });
});

describe('closeBullQueue', () => {
  it('waits for connections caught between TCP connect and ready, then closes every one', async () => {
    const server = await ownRedis(true);
    const queue = createBullEmailQueue(settingsFor(server, 'close'));
    let closed = false;
    cleanups.push(async () => {
      server.resume();
      if (!closed) await queue.close();
    });
    void processEmails(queue, async () => {});
    const statuses = () => queue.clients.map((client) => client.status);
    await waitUntil(() => statuses().join() === 'ready,ready,ready', "Bull's three connections");
    // Stopped, the server still completes TCP connects (its listen backlog) but answers nothing.
    server.pause();
    for (const client of queue.clients) client.disconnect(true); // dropped: reconnect at once
    await waitUntil(() => statuses().join() === 'connect,connect,connect', 'every connection mid-handshake');
    const listeners = () => queue.clients.map((client) => client.listenerCount('ready') + client.listenerCount('end'));
    const idle = listeners();
    // Bounded: with Redis gone for good, a shutdown still goes on.
    await connectionsSettled(queue, 300);
    expect(statuses()).toEqual(['connect', 'connect', 'connect']);
    expect(listeners()).toEqual(idle); // no listener left behind on a connection
    let settled = false;
    const settling = connectionsSettled(queue, 30_000).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    server.resume();
    await settling;
    expect(statuses()).toEqual(['ready', 'ready', 'ready']);
    await closeBullQueue(queue);
    closed = true;
    expect(statuses()).toEqual(['end', 'end', 'end']);
  });
});
