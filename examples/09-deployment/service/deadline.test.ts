import { setTimeout as sleep } from 'node:timers/promises';
import { withServer } from '@cookbook/shared';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { describe, expect, it } from 'vitest';
import { afterDeadline, requestDeadline } from './deadline.js';

/** An app with one route behind the deadline; what reached the error handler after `afterDeadline`. */
function appWith(deadlineMs: number, route: RequestHandler) {
  const logged: unknown[] = [];
  const errors: unknown[] = [];
  const app = express();
  app.use((_req, res, next) => {
    res.once('close', () => logged.push(res.locals.logFields));
    next();
  });
  app.use(requestDeadline(deadlineMs));
  app.get('/work', route);
  app.use(afterDeadline());
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(error);
    if (res.headersSent) return void res.destroy();
    res.status(500).json({ error: 'internal' });
  });
  return { app, logged, errors };
}

const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('requestDeadline: every caller has an answer after the deadline', () => {
  it('answers a handler that never does 503 with Retry-After, and logs which deadline it was', async () => {
    const { app, logged } = appWith(50, () => {});
    await withServer(app, async (url) => {
      const res = await fetch(`${url}/work`);
      expect([res.status, res.headers.get('retry-after'), await res.json()]).toEqual([
        503,
        '2',
        { error: 'deadline_exceeded' },
      ]);
    });
    expect(logged).toEqual([{ reason: 'deadline of 50 ms exceeded' }]);
  });

  it('cuts the connection of a handler that sent its headers and then hung, and the process lives on', async () => {
    const { app } = appWith(50, (_req, res) => void res.status(200).write('partial'));
    await withServer(app, async (url) => {
      const res = await fetch(`${url}/work`);
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow(); // the body never ends: the socket was destroyed
    });
  });

  it('leaves no deadline timer behind a request that was answered in time', async () => {
    const { app } = appWith(60_000, (_req, res) => void res.json({ ok: true }));
    await withServer(app, async (url) => {
      const before = pendingTimers();
      for (let i = 0; i < 20; i++) await (await fetch(`${url}/work`)).json();
      await sleep(20);
      expect(pendingTimers() - before).toBeLessThan(5); // 20 more with the timer kept
    });
  });
});

describe('afterDeadline: a late error has nobody to answer', () => {
  it('drops the error of a handler that failed after the deadline answered', async () => {
    const { app, errors } = appWith(30, async (_req, _res, next) => {
      await sleep(150);
      next(new Error('too late'));
    });
    await withServer(app, async (url) => {
      expect((await fetch(`${url}/work`)).status).toBe(503);
      await sleep(250);
    });
    expect(errors).toEqual([]);
  });

  it('passes on an error in time, and one after headers were sent in time', async () => {
    const failing = appWith(5_000, (_req, _res, next) => next(new Error('in time')));
    await withServer(failing.app, async (url) => {
      expect((await fetch(`${url}/work`)).status).toBe(500);
    });
    const streaming = appWith(5_000, (_req, res, next) => {
      res.status(200).write('partial');
      next(new Error('mid-stream'));
    });
    await withServer(streaming.app, async (url) => {
      // Cut before or after the headers reach the client: either way no whole answer arrives.
      await expect(fetch(`${url}/work`).then((res) => res.text())).rejects.toThrow();
    });
    expect([...failing.errors, ...streaming.errors].map((error) => (error as Error).message)).toEqual([
      'in time',
      'mid-stream',
    ]);
  });
});
