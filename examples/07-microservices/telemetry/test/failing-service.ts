// A service built from the shared parts (`createServiceApp`, `finishServiceApp`, the logger) whose
// handlers fail the ways production does; started with `--import tsx --import ./telemetry/register.ts`
// on the command line, reporting to the DSN in SENTRY_DSN. Prints {"listening":url}; SIGTERM drains it,
// flushes telemetry and exits.
import { createLogger } from '../../correlation/logger.js';
import { DependencyUnavailableError, ValidationError } from '../../http/errors.js';
import { serve } from '../../http/serve.js';
import { createServiceApp, finishServiceApp } from '../../http/service-app.js';
import { stopTelemetry } from '../telemetry.js';

const log = createLogger('order-service');
const app = createServiceApp();
app.post('/orders', () => {
  // What a driver error looks like when the code that threw quotes its connection string.
  throw new Error(`could not connect to ${process.env.DATABASE_URL}`);
});
app.get('/orders/:id', () => {
  throw new ValidationError('id', 'id must be a uuid'); // the caller's mistake: a 400, not reported
});
app.get('/users/:id', () => {
  throw new DependencyUnavailableError('user-service is unavailable, try again later');
});
app.post('/crash/rejection', (_req, res) => {
  void Promise.reject(new Error('a promise nobody awaited'));
  res.status(202).json({ accepted: true });
});
finishServiceApp(app, log);

const server = await serve(app, 0);
console.log(JSON.stringify({ listening: server.url }));
process.once('SIGTERM', async () => {
  await server.close();
  await stopTelemetry(); // without it, the exit below drops the event still on its way
  process.exit(0); // as most shutdown code ends, and every deadline does
});
