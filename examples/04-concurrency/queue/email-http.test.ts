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

describe('POST /emails', () => {
  const app = () => createEmailApp((email) => enqueueEmailJob(queue, email));

  it('queues the email and answers 202 with the job id', async () => {
    const res = await request(app()).post('/emails').send({ to: 'ada@example.com', subject: 'Hi', body: 'Hello' });
    expect(res.status).toBe(202);
    const job = await queue.getJob(res.body.jobId);
    expect(job?.data).toEqual({ to: 'ada@example.com', subject: 'Hi', body: 'Hello' });
    expect(job?.opts.attempts).toBe(3);
  });

  it('answers 400 naming the field, and queues nothing', async () => {
    const before = await queue.count();
    const badTo = await request(app()).post('/emails').send({ to: 'not-an-address', subject: 'Hi', body: 'x' });
    expect(badTo.status).toBe(400);
    expect(badTo.body.field).toBe('to');
    const noSubject = await request(app()).post('/emails').send({ to: 'ada@example.com', body: 'x' });
    expect(noSubject.body.field).toBe('subject');
    const longSubject = await request(app())
      .post('/emails')
      .send({ to: 'ada@example.com', subject: 'x'.repeat(201), body: 'x' });
    expect([longSubject.status, longSubject.body.field]).toEqual([400, 'subject']);
    const badJson = await request(app()).post('/emails').set('content-type', 'application/json').send('{');
    expect(badJson.status).toBe(400);
    expect(await queue.count()).toBe(before);
  });

  it('answers 503, not 500, when the queue cannot take the job', async () => {
    const failing = createEmailApp(async () => {
      throw new Error('Redis is down');
    });
    const res = await request(failing).post('/emails').send({ to: 'ada@example.com', subject: 'Hi', body: 'x' });
    expect(res.status).toBe(503);
    expect(res.body.error).toBe('queue_unavailable');
  });
});
