// A service with tracing and error tracking started in the right order, run as its own process so a
// test can crash it, signal it and read what reached the envelope receiver.
// Env: SENTRY_DSN, NAIVE_SENTRY=1 (the quick-start init), SHUTDOWN=naive|flush.
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../../tracing/instrumentation.js';
import {
  closeErrorTracking,
  errorTrackingOptionsFromEnv,
  naiveStartErrorTracking,
  startErrorTracking,
} from '../sentry.js';

startTracing({ serviceName: 'failing-service', sampleRatio: 1, spanProcessors: [new NoopSpanProcessor()] });
const options = errorTrackingOptionsFromEnv();
if (process.env.NAIVE_SENTRY === '1') naiveStartErrorTracking(options);
else startErrorTracking(options);

const { createFailingApp } = await import('./failing-app.js');
const server = createFailingApp().listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object')
    console.log(JSON.stringify({ listening: `http://127.0.0.1:${address.port}` }));
});
setInterval(() => console.log(JSON.stringify({ alive: Date.now() })), 100).unref();
// Keeps the process alive like a real service would be, until something ends it.
const keepAlive = setInterval(() => {}, 60_000);

let stopping = false;
// A keep-alive connection would hold close() open for its idle timeout: drop each once it answers.
server.on('request', (_req, res) => res.once('finish', () => stopping && server.closeIdleConnections()));

process.once('SIGTERM', () => {
  console.log(JSON.stringify({ stopping: true }));
  stopping = true;
  clearInterval(keepAlive);
  server.close(async () => {
    // #region shutdown
    if (process.env.SHUTDOWN === 'naive') process.exit(0); // drops what is still being sent
    await closeErrorTracking(); // waits for the envelopes in flight
    await stopTracing();
    process.exit(0);
    // #endregion shutdown
  });
});
