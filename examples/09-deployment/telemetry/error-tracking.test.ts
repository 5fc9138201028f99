import { type EnvelopeReceiver, spawnFixture, startEnvelopeReceiver } from '@cookbook/shared/testing';
import * as Sentry from '@sentry/node';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeErrorTracking, errorTrackingOptionsFromEnv, startErrorTracking } from './error-tracking.js';
import { reportFailedResponses, reportServerErrors } from './report-errors.js';
import { errorReports, startedParts } from './started.js';

describe('the options', () => {
  it('come from SENTRY_*, else the package version and NODE_ENV, else production', () => {
    expect(
      errorTrackingOptionsFromEnv({
        SENTRY_DSN: 'http://key@127.0.0.1:9/1',
        SENTRY_RELEASE: 'api@2.0.0',
        npm_package_version: '1.9.0',
        SENTRY_ENVIRONMENT: 'staging',
        NODE_ENV: 'development',
      }),
    ).toEqual({ dsn: 'http://key@127.0.0.1:9/1', release: 'api@2.0.0', environment: 'staging' });
    expect(
      errorTrackingOptionsFromEnv({
        SENTRY_DSN: '',
        SENTRY_RELEASE: '',
        npm_package_version: '1.9.0',
        NODE_ENV: 'test',
      }),
    ).toEqual({ dsn: undefined, release: '1.9.0', environment: 'test' });
    expect(errorTrackingOptionsFromEnv({ SENTRY_ENVIRONMENT: '', NODE_ENV: '' })).toEqual({
      dsn: undefined,
      release: undefined,
      environment: 'production',
    });
  });

  it('without a DSN, nothing is started, and the service answers its 5xx as ever', async () => {
    expect(startErrorTracking({ dsn: undefined, release: '1.9.0', environment: 'test' })).toBeUndefined();
    expect([Sentry.isInitialized(), errorReports(), startedParts()]).toEqual([false, undefined, []]);
    const app = express().use(reportFailedResponses());
    app.get('/busy', (_req, res) => void res.status(503).json({ error: 'busy' }));
    app.get('/boom', () => {
      throw new Error('orders table is on fire');
    });
    app.use(reportServerErrors());
    app.use(((error, _req, res, _next) => void res.status(500).json({ error: error.message })) as ErrorRequestHandler);
    await request(app).get('/busy').expect(503);
    expect((await request(app).get('/boom').expect(500)).body).toEqual({ error: 'orders table is on fire' });
    await closeErrorTracking();
  });
});

describe('with a DSN', () => {
  let receiver: EnvelopeReceiver;
  beforeAll(async () => {
    receiver = await startEnvelopeReceiver();
  });
  afterAll(() => receiver.close());

  it('sends errors scrubbed, with release and environment, through the sink the service reaches', async () => {
    const client = startErrorTracking({ dsn: receiver.dsn, release: 'api@9.1.0', environment: 'staging' });
    expect(client).toBeDefined();
    // The 5xx are reportServerErrors()' to report, once; Sentry's own Express integration would report them first.
    expect(client?.getIntegrationByName('Express')).toBeUndefined();
    expect(client?.getIntegrationByName('OpenTelemetry')).toBeDefined();
    expect(client?.getIntegrationByName('OnUnhandledRejection')).toBeDefined();
    expect(startedParts().map((part) => part.name)).toEqual(['error-tracking']);
    Sentry.addBreadcrumb({ message: 'retrying with Bearer abc.def.ghi' });
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    errorReports()?.captureException(new Error('could not connect to postgres://app:pa55@db:5432/api', { cause }));
    // The shutdown's closer: it sends what is queued before the process exits.
    await startedParts()[0]?.close();
    expect(Sentry.isInitialized()).toBe(false);
    const [event] = receiver.events() as {
      release?: string;
      environment?: string;
      exception?: { values?: { value?: string }[] };
      breadcrumbs?: { message?: string }[];
    }[];
    expect(event).toMatchObject({ release: 'api@9.1.0', environment: 'staging' });
    // Sentry's default integrations stay, all but Express's: LinkedErrors sends the cause too.
    expect(event?.exception?.values?.map((v) => v.value)).toEqual([
      'connect ECONNREFUSED 127.0.0.1:5432',
      'could not connect to postgres://app:[Filtered]@db:5432/api',
    ]);
    expect(event?.breadcrumbs?.map((b) => b.message)).toContain('retrying with Bearer [Filtered]');
    expect(receiver.envelopes.map((e) => e.raw).join('\n')).not.toContain('pa55');
  });
});

describe('loaded by --import, as in production', () => {
  it('ends a process on an unhandled rejection, as Node would, once the error is sent', async () => {
    const receiver = await startEnvelopeReceiver();
    const fixture = spawnFixture(new URL('./test/reject-unhandled.ts', import.meta.url), {
      imports: [new URL('./register.ts', import.meta.url)],
      env: { SENTRY_DSN: receiver.dsn, OTEL_TRACES_SAMPLER_ARG: '0' },
    });
    try {
      // Sentry's default mode (warn) would keep it running: the wait would time out.
      const stillRunning = new Promise<never>((_, reject) => {
        setTimeout(() => reject(new Error(`still running: ${fixture.errors.join('\n')}`)), 60_000).unref();
      });
      const code = await Promise.race([fixture.exited, stillRunning]);
      expect(code).toBe(1);
      expect(JSON.stringify(receiver.events())).toContain('nobody awaited this');
    } finally {
      await fixture.kill();
      await receiver.close();
    }
  }, 90_000);
});
