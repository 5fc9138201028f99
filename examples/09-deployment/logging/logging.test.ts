import { deleteRedisPrefix, redisPrefix, testServices, useTestDatabase } from '@cookbook/shared/testing';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lifecycle } from '../health/health.js';
import { createApp } from '../service/app.js';
import { CapturedLog } from '../test/captured-log.js';
import { workRoutes } from '../test/work-routes.js';
import { createLogger } from './logger.js';
import { requestLogging } from './request-logging.js';
import { loginApp } from './test/login-app.js';

const database = useTestDatabase('deployment_logging');
const prefix = redisPrefix('deployment-logging');
let pool: pg.Pool;
let redis: Redis;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  redis = new Redis(testServices().redisUrl, { keyPrefix: prefix });
});

afterAll(async () => {
  await pool?.end();
  await redis?.quit();
  const admin = new Redis(testServices().redisUrl);
  await deleteRedisPrefix(admin, prefix);
  await admin.quit();
});

function deps(log: CapturedLog, level = 'info') {
  return {
    clients: { pool, readinessPool: pool, redis },
    extraRoutes: workRoutes(pool),
    dbQueueMax: 10,
    logger: createLogger({ service: 'orders-api', level, stream: log }),
    lifecycle: new Lifecycle(),
    healthCheckTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
  };
}

function service(level = 'info') {
  const log = new CapturedLog();
  return { app: createApp(deps(log, level)), log };
}

describe('request logging', () => {
  it('logs one JSON line per request with timestamp, level, service, request id and duration', async () => {
    const { app, log } = service();
    const reply = await request(app).get('/api/time');
    expect(reply.status).toBe(200);
    const [entry] = log.entries.filter((e) => e.message === 'request');
    expect(entry).toMatchObject({
      level: 'info',
      service: 'orders-api',
      method: 'GET',
      path: '/api/time',
      status: 200,
    });
    expect(entry?.requestId).toBe(reply.headers['x-request-id']);
    expect(Date.parse(String(entry?.timestamp))).not.toBeNaN();
    expect(entry?.durationMs).toBeGreaterThan(0);
  });

  it("keeps the caller's request id when it is sane, and replaces one that is not", async () => {
    const { app, log } = service();
    await request(app).get('/api/work?ms=0').set('x-request-id', 'edge-7f3a');
    await request(app).get('/api/work?ms=0').set('x-request-id', 'drop table;--');
    const ids = log.entries.map((e) => e.requestId);
    expect(ids[0]).toBe('edge-7f3a');
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs 4xx at warn, and answers bad input with a 400 naming the field', async () => {
    const { app, log } = service();
    const reply = await request(app).get('/api/work?ms=soon');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid_input', field: 'ms' });
    expect(log.entries[0]).toMatchObject({ level: 'warn', status: 400 });
  });

  it('takes its level from config: at warn, successful requests are not logged', async () => {
    const { app, log } = service('warn');
    await request(app).get('/api/work?ms=0');
    await request(app).get('/api/work?ms=-1');
    expect(log.entries.map((e) => e.status)).toEqual([400]);
  });
});

describe('probes', () => {
  it('log nothing while they pass, and a line when readiness fails', async () => {
    const { app, log } = service();
    await request(app).get('/health/live');
    await request(app).get('/health/ready');
    expect(log.entries).toEqual([]);
    const lifecycle = new Lifecycle();
    lifecycle.shuttingDown = true;
    const closing = createApp({ ...deps(log), lifecycle });
    expect((await request(closing).get('/health/ready')).status).toBe(503);
    expect(log.entries).toMatchObject([{ message: 'request', path: '/health/ready', status: 503, level: 'error' }]);
  });

  it('are logged like any request when `skip` says so', async () => {
    const log = new CapturedLog();
    const app = express().use(
      requestLogging(createLogger({ service: 'a', level: 'info', stream: log }), { skip: () => false }),
    );
    app.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
    await request(app).get('/health/live');
    expect(log.entries).toMatchObject([{ message: 'request', path: '/health/live', status: 200 }]);
  });
});

describe('errors', () => {
  it('logs the stack with the request id, and gives the client a 500 without it', async () => {
    const log = new CapturedLog();
    const reply = await request(
      loginApp(createLogger({ service: 'api', level: 'info', stream: log }), requestLogging),
    ).get('/boom');
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({ error: 'internal', requestId: reply.headers['x-request-id'] });
    const failure = log.entries.find((e) => e.message === 'unhandled error') as { err: { stack: string } } | undefined;
    expect(failure).toMatchObject({ level: 'error', requestId: reply.headers['x-request-id'] });
    expect(failure?.err.stack).toContain('failingHandler');
  });

  it('answers malformed JSON with a 400 naming the body, not a 500', async () => {
    const log = new CapturedLog();
    const app = loginApp(createLogger({ service: 'api', level: 'info', stream: log }), requestLogging);
    const reply = await request(app).post('/login').set('content-type', 'application/json').send('{"user":');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid_json', field: 'body' });
  });
});
