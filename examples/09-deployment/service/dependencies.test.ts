import type { AddressInfo } from 'node:net';
import { testServices, useTestDatabase } from '@cookbook/shared/testing';
import express from 'express';
import { Redis, ReplyError } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { get } from '../test/http.js';
import { DependencyUnavailableError, dependency, dependencyErrors } from './dependencies.js';

const database = useTestDatabase('deployment_dependencies');
const redis = new Redis(testServices().redisUrl);
afterAll(() => redis.quit());

describe('dependency(): an outage is told apart from an answer', () => {
  it("passes the dependency's own answer on: bad SQL, a date out of range (22008), an unknown Redis command", async () => {
    const pool = database.pool();
    await expect(dependency('postgres', () => pool.query('SELEC 1'))).rejects.toMatchObject({ code: '42601' });
    const badDate = dependency('postgres', () => pool.query("SELECT '2020-13-45'::date"));
    // 22008 holds "08", the connection class, but not at its start: still a bug of the caller.
    await expect(badDate).rejects.toBeInstanceOf(pg.DatabaseError);
    await expect(badDate).rejects.toMatchObject({ code: '22008' });
    await expect(dependency('redis', () => redis.call('NO-SUCH-COMMAND'))).rejects.toBeInstanceOf(ReplyError);
  });

  it('turns a cancelled query (57014) and a refused connection into an error naming the dependency', async () => {
    const slow = database.pool({ statement_timeout: 50 });
    const cancelled = await dependency('postgres', () => slow.query('SELECT pg_sleep(2)')).catch((e: unknown) => e);
    expect(cancelled).toBeInstanceOf(DependencyUnavailableError);
    expect(cancelled).toMatchObject({
      name: 'DependencyUnavailableError',
      dependency: 'postgres',
      reason: 'canceling statement due to statement timeout',
      message: 'postgres unavailable: canceling statement due to statement timeout',
    });
    const refused = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' });
    const down = await dependency('ledger', () => refused.query('SELECT 1')).catch((e: unknown) => e);
    expect(down).toMatchObject({ dependency: 'ledger', reason: expect.stringContaining('ECONNREFUSED') });
    await refused.end();
    const odd = await dependency('queue', () => Promise.reject('no reason given')).catch((e: unknown) => e);
    expect(odd).toMatchObject({ message: 'queue unavailable: no reason given', reason: 'no reason given' });
  });
});

describe('dependencyErrors(): only an outage becomes a 503', () => {
  it('answers an unavailable dependency with 503 and Retry-After, and passes any other error on', async () => {
    const app = express();
    app.get('/down', () => {
      throw new DependencyUnavailableError('redis', new Error('Command timed out'));
    });
    app.get('/bug', () => {
      throw new Error('a bug');
    });
    app.use(dependencyErrors());
    app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: 'internal' });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const down = await get(`${base}/down`);
    expect([down.status, down.headers['retry-after'], JSON.parse(down.body)]).toEqual([
      503,
      '2',
      { error: 'dependency_unavailable', dependency: 'redis' },
    ]);
    expect((await get(`${base}/bug`)).status).toBe(500);
    await new Promise((resolve) => server.close(resolve));
  });
});
