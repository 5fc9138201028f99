// What register.ts started, reachable from the service without importing the SDKs: importing
// @opentelemetry/sdk-node and @sentry/node takes seconds of start-up, paid once, by `--import`.

/** A started part of the telemetry, and how to flush and stop it. */
export interface StartedPart {
  name: string;
  close(): Promise<unknown>;
}

/** Where error reports go; Sentry's module fits, as does a test's fake. */
export interface ErrorSink {
  captureException(error: unknown): unknown;
  captureMessage(message: string, level: 'error'): unknown;
}

const parts: StartedPart[] = [];
let errorSink: ErrorSink | undefined;

/** Called by each part as it starts. */
export function started(part: StartedPart, sink?: ErrorSink): void {
  parts.push(part);
  if (sink) errorSink = sink;
}

/** For graceful shutdown: the last started closes first (Sentry before tracing, its spans after its errors). */
export function startedParts(): StartedPart[] {
  return parts.toReversed();
}

/** The sink error reports go to; none when error tracking is off. */
export function errorReports(): ErrorSink | undefined {
  return errorSink;
}
