import express, { type ErrorRequestHandler, Router } from 'express';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { reportFailedResponses, reportServerErrors } from './report-errors.js';
import { started } from './started.js';

/** What reached the error sink, in order: Sentry's place in a test. */
const sent: string[] = [];
started(
  { name: 'error-tracking', close: async () => {} },
  {
    captureException: (error) => sent.push(`exception: ${(error as Error).message}`),
    captureMessage: (message, level) => sent.push(`${level}: ${message}`),
  },
);
beforeEach(() => {
  sent.length = 0;
});

const withStatus = (message: string, status: number) => Object.assign(new Error(message), { status });

function ordersApp() {
  const app = express();
  app.use(reportFailedResponses());
  const orders = Router();
  orders.get('/:id', (req, res) => void res.status(req.params.id === 'busy' ? 503 : 200).json({}));
  orders.get('/:id/invoice', () => {
    throw new Error('billing is on fire');
  });
  orders.get('/:id/refund', (_req, _res, next) => next(withStatus('a refund needs a reason', 422)));
  orders.get('/:id/pay', (_req, _res, next) => next(withStatus('the provider is down', 502)));
  orders.get('/:id/ship', (_req, _res, next) => next(withStatus('the carrier is down', 500)));
  app.use('/api/orders', orders);
  app.use(reportServerErrors());
  app.use(
    ((error, _req, res, _next) =>
      void res.status(error.status ?? 500).json({ error: error.message })) as ErrorRequestHandler,
  );
  return app;
}

describe('every 5xx reported once', () => {
  it('a 5xx sent without an exception, by method and route pattern with its mount path', async () => {
    const app = ordersApp();
    await request(app).get('/api/orders/busy').expect(503);
    await request(app).get('/api/orders/7').expect(200);
    await request(app).get('/nowhere').expect(404);
    expect(sent).toEqual(['error: GET /api/orders/:id answered 503']);
  });

  it('a thrown error with its exception only, a 5xx status passed on too, never a 4xx', async () => {
    const app = ordersApp();
    await request(app).get('/api/orders/7/invoice').expect(500);
    await request(app).get('/api/orders/7/refund').expect(422);
    await request(app).get('/api/orders/7/pay').expect(502);
    await request(app).get('/api/orders/7/ship').expect(500);
    expect(sent).toEqual([
      'exception: billing is on fire',
      'exception: the provider is down',
      'exception: the carrier is down',
    ]);
  });

  it('a 500 is reported as a 5xx: the boundary is 500, not 501', async () => {
    const app = express();
    app.use(reportFailedResponses());
    app.get('/edge/:status', (req, res) => void res.status(Number(req.params.status)).end());
    await request(app).get('/edge/499').expect(499);
    await request(app).get('/edge/500').expect(500);
    expect(sent).toEqual(['error: GET /edge/:status answered 500']);
  });
});
