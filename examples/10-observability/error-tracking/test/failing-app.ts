import { trace } from '@opentelemetry/api';
import express, { type Express } from 'express';
import { handleErrors, reportFailedResponses } from '../report-errors.js';

/** An error that carries its HTTP status, as `http-errors` and many libraries throw them. */
const withStatus = (message: string, status: { status?: number; statusCode?: number }) =>
  Object.assign(new Error(message), status);

/** Routes that fail each way a service fails: thrown, sent as 5xx, refused as 4xx, crashed out of band. */
export function createFailingApp(): Express {
  const app = express();
  app.use(reportFailedResponses());
  // A 503 from a middleware, before any route matched (no `req.route`).
  app.use((req, res, next) => (req.path === '/maintenance' ? void res.status(503).end() : next()));
  app.use((_req, res, next) => {
    // The trace id back to the caller, so a support ticket can name the trace and the Sentry event.
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    if (traceId) res.setHeader('x-trace-id', traceId);
    next();
  });
  app.use(express.json());
  app.post('/orders', () => {
    // A log line and a driver error that quote the connection string, as some do.
    console.log(JSON.stringify({ connecting: process.env.DATABASE_URL }));
    throw new Error(`could not connect to ${process.env.DATABASE_URL}`);
  });
  app.post('/orders/:id/pay', () => {
    throw withStatus('order 7 is already paid', { status: 409 });
  });
  app.post('/orders/:id/refund', () => {
    throw withStatus('a refund needs a reason', { statusCode: 422 });
  });
  app.post('/payments', () => {
    throw withStatus('the payment provider is down', { status: 503 });
  });
  app.get('/stock', (_req, res) => void res.status(503).json({ error: 'stock service unavailable' }));
  app.get('/ledger', (_req, res) => void res.status(500).json({ error: 'ledger out of balance' }));
  const inventory = express.Router();
  inventory.get('/:sku', (_req, res) => void res.status(503).json({ error: 'warehouse unreachable' }));
  app.use('/inventory', inventory);
  app.get('/export', (_req, res, next) => {
    res.type('text/csv').write('id,total\n1,10\n');
    // The cursor behind the stream breaks after the first rows went out.
    setTimeout(() => next(new Error('the export cursor broke midway')), 50);
  });
  app.get('/orders/:id', (_req, res) => void res.status(404).json({ error: 'no order with that id' }));
  app.get('/slow-failure', async () => {
    console.log(JSON.stringify({ slowFailure: 'started' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    throw new Error('failed while the service was draining');
  });
  app.post('/crash/rejection', (_req, res) => {
    void Promise.reject(new Error('nobody awaited this charge'));
    res.status(202).end();
  });
  app.post('/crash/exception', (_req, res) => {
    setTimeout(() => {
      throw new Error('thrown from a timer, outside any request');
    });
    res.status(202).end();
  });
  app.use(handleErrors());
  return app;
}
