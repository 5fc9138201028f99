import { describe, expect, it } from 'vitest';
import { type ErrorSink, errorReports, started, startedParts } from './started.js';

const noop = async () => {};

describe('what register.ts started, as the service reaches it', () => {
  it('closes the last started first, and keeps the one error sink whatever starts after it', () => {
    // Error tracking off: nothing to report to.
    expect(errorReports()).toBeUndefined();
    const sentry: ErrorSink = { captureException: () => undefined, captureMessage: () => undefined };
    started({ name: 'tracing', close: noop });
    started({ name: 'error-tracking', close: noop }, sentry);
    // A part without a sink of its own does not turn error tracking off.
    started({ name: 'profiling', close: noop });
    expect(startedParts().map((part) => part.name)).toEqual(['profiling', 'error-tracking', 'tracing']);
    expect(errorReports()).toBe(sentry);
  });
});
