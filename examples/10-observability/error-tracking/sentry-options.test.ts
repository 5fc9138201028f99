import * as Sentry from '@sentry/node';
import { describe, expect, it } from 'vitest';
import { errorTrackingOptionsFromEnv, startErrorTracking } from './sentry.js';

describe('the options', () => {
  it('come from SENTRY_*, else the package version and NODE_ENV', () => {
    expect(
      errorTrackingOptionsFromEnv({
        SENTRY_DSN: 'http://key@127.0.0.1:9/1',
        SENTRY_RELEASE: 'shop@2.0.0',
        npm_package_version: '1.9.0',
        SENTRY_ENVIRONMENT: 'staging',
        NODE_ENV: 'production',
      }),
    ).toEqual({ dsn: 'http://key@127.0.0.1:9/1', release: 'shop@2.0.0', environment: 'staging' });
    expect(
      errorTrackingOptionsFromEnv({ SENTRY_DSN: '', npm_package_version: '1.9.0', NODE_ENV: 'production' }),
    ).toEqual({ dsn: undefined, release: '1.9.0', environment: 'production' });
    expect(errorTrackingOptionsFromEnv({})).toEqual({ dsn: undefined, release: undefined, environment: 'development' });
  });

  it('without a DSN, nothing is started', () => {
    expect(startErrorTracking({ dsn: undefined, release: '1.9.0', environment: 'test' })).toBeUndefined();
    expect(Sentry.isInitialized()).toBe(false);
  });
});
