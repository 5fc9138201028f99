import { trace } from '@opentelemetry/api';
import express, { type Express } from 'express';
import { handleErrors, reportFailedResponses } from '../report-errors.js';

/** Routes that fail each way a service fails: thrown, sent as 5xx, refused as 4xx, crashed out of band. */
export function createFailingApp(): Express {
  const app = express();
  app.use(reportFailedResponses());
  app.use((_req, res, next) => {
    // The trace id back to the caller, so a support ticket can name the trace and the Sentry event.
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    if (traceId) res.setHeader('x-trace-id', traceId);
    next();
  });
  app.use(express.json());
  app.post('/orders', () => {
    // A driver error that quotes its connection string, as some do.
    throw new Error(`could not connect to ${process.env.DATABASE_URL}`);
  });
  app.get('/stock', (_req, res) => void res.status(503).json({ error: 'stock service unavailable' }));
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
