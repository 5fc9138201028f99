import { deleteRedisPrefix, redisPrefix, testServices } from '@cookbook/shared/testing';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BullmqEmailQueue, createBullmqEmailQueue, enqueueEmailJob } from './bullmq-queue.js';
import { createEmailApp } from './email-http.js';

const prefix = redisPrefix('email-http').slice(0, -1);
let redis: Redis;
let queue: BullmqEmailQueue;

beforeAll(() => {
  redis = new Redis(testServices().redisUrl);
  queue = createBullmqEmailQueue({ redisUrl: testServices().redisUrl, prefix, name: 'email-http' });
});
afterAll(async () => {
  await queue.close();
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
});

const app = () => createEmailApp((email) => enqueueEmailJob(queue, email));
const post = (body: object) => request(app()).post('/emails').send(body);
const valid = { to: 'ada@example.com', subject: 'Hi', body: 'Hello' };
/** Node's live timers: a request that got its answer must leave none behind. */
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('POST /emails', () => {
  it('queues the email and answers 202 with the job id', async () => {
    const res = await post(valid);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: true, jobId: expect.any(String) });
    const job = await queue.getJob(res.body.jobId);
    expect(job?.name).toBe('send');
    expect(job?.data).toEqual(valid);
    expect(job?.opts.attempts).toBe(3);
  });

  it('answers 400 naming the field, and queues nothing', async () => {
    const before = await queue.count();
    const badTo = await post({ ...valid, to: 'not-an-address' });
    expect([badTo.status, badTo.body]).toEqual([
      400,
      { error: 'invalid_request', field: 'to', message: 'to must be an email address of at most 254 characters' },
    ]);
    // An address must be the whole field, not a part of it.
    for (const to of ['ada lovelace@example.com', 'ada@example.com (work)']) {
      expect((await post({ ...valid, to })).body.field).toBe('to');
    }
    const noSubject = await post({ to: valid.to, body: 'x' });
    expect(noSubject.body).toEqual({
      error: 'invalid_request',
      field: 'subject',
      message: 'subject must be a non-empty string of at most 200 characters',
    });
    expect((await post({ ...valid, subject: '   ' })).body.field).toBe('subject');
    const longSubject = await post({ ...valid, subject: 'x'.repeat(201) });
    expect([longSubject.status, longSubject.body.field]).toEqual([400, 'subject']);
    const badJson = await request(app()).post('/emails').set('content-type', 'application/json').send('{');
    expect([badJson.status, badJson.body]).toEqual([
      400,
      { error: 'invalid_json', field: 'body', message: 'body must be JSON' },
    ]);
    expect(await queue.count()).toBe(before);
  });

  it('accepts a field of exactly its maximum length', async () => {
    expect((await post({ ...valid, subject: 'x'.repeat(200) })).status).toBe(202);
  });

  it('answers 413 to a body over 16 kB and 415 to an unknown charset, not a 503 that invites a retry', async () => {
    const before = await queue.count();
    const huge = await post({ ...valid, body: 'x'.repeat(20_000) });
    expect([huge.status, huge.body.error, huge.body.field]).toEqual([413, 'invalid_body', 'body']);
    const latin = await request(app())
      .post('/emails')
      .set('content-type', 'application/json; charset=latin-9')
      .send(JSON.stringify(valid));
    expect([latin.status, latin.body.error]).toEqual([415, 'invalid_body']);
    expect(await queue.count()).toBe(before);
  });

  it('answers 503, not 500, when the queue cannot take the job', async () => {
    const failing = createEmailApp(async () => {
      throw new Error('Redis is down');
    });
    const res = await request(failing).post('/emails').send(valid);
    expect([res.status, res.body]).toEqual([
      503,
      { error: 'queue_unavailable', message: 'could not queue the email; try again' },
    ]);
  });

  it('leaves no deadline timer running once the queue has answered', async () => {
    const patient = createEmailApp((email) => enqueueEmailJob(queue, email), { enqueueTimeoutMs: 600_000 });
    const before = timers();
    for (let n = 0; n < 10; n++) expect((await request(patient).post('/emails').send(valid)).status).toBe(202);
    // Ten forgotten deadlines would be ten timers, each holding its request for ten minutes.
    expect(timers() - before).toBeLessThan(5);
  });
});
