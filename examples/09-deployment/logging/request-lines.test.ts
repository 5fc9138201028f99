import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CapturedLog } from '../test/captured-log.js';
import { createLogger, naiveLogger } from './logger.js';
import { errorHandler, naiveRequestLogging, requestLogging } from './request-logging.js';

function logged() {
  const log = new CapturedLog();
  const app = express().use(requestLogging(createLogger({ service: 'api', level: 'info', stream: log })));
  return { log, app };
}

describe('the request line', () => {
  it('a probe that answers 400 is news, logged; its duration lies between the handler’s own and the client’s', async () => {
    const { log, app } = logged();
    let handlerMs = 0;
    app.get('/health/ready', async (_req, res) => {
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      handlerMs = performance.now() - started;
      res.status(400).end();
    });
    const started = performance.now();
    await request(app).get('/health/ready');
    const clientMs = performance.now() - started;
    const [entry] = log.entries;
    expect(entry).toMatchObject({ path: '/health/ready', status: 400, level: 'warn' });
    // Rounded to a tenth of a millisecond.
    expect(Number(entry?.durationMs)).toBeGreaterThanOrEqual(handlerMs - 0.1);
    expect(Number(entry?.durationMs)).toBeLessThanOrEqual(clientMs + 0.1);
  });

  it('a 500 is logged at error', async () => {
    const { log, app } = logged();
    app.get('/fail', (_req, res) => void res.status(500).end());
    await request(app).get('/fail');
    expect(log.entries).toMatchObject([{ status: 500, level: 'error' }]);
  });

  it('a client that hangs up before the answer gets a warn line, with the path', async () => {
    const { log, app } = logged();
    let reached: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const closed = new Promise<void>((resolve) => {
      // Registered after the request logger's own listener, so it runs after that one has.
      app.get('/slow', (_req, res) => {
        res.on('close', () => resolve());
        reached();
      });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const client = httpRequest({ host: '127.0.0.1', port, path: '/slow' }).on('error', () => {});
    client.end();
    await inHandler;
    client.destroy();
    await closed;
    server.close();
    expect(log.entries).toMatchObject([{ message: 'request aborted', level: 'warn', path: '/slow' }]);
  });

  it('a SyntaxError of the handler’s own is a logged 500, not a 400 blaming the client’s body', async () => {
    const { log, app } = logged();
    app.get('/parse', () => JSON.parse('{"broken":'));
    app.get('/status-400', () => {
      throw Object.assign(new Error('not JSON at all'), { status: 400 });
    });
    app.use(errorHandler());
    expect((await request(app).get('/parse')).status).toBe(500);
    expect((await request(app).get('/status-400')).status).toBe(500);
    expect(log.entries.filter((e) => e.message === 'unhandled error')).toHaveLength(2);
  });

  it('the naive logger writes one request line too, the same comparison as the masked one', async () => {
    const log = new CapturedLog();
    const app = express().use(naiveRequestLogging(naiveLogger(log)));
    app.get('/x', (_req, res) => void res.end());
    await request(app).get('/x');
    expect(log.entries).toMatchObject([{ message: 'request', method: 'GET', url: '/x' }]);
  });
});
