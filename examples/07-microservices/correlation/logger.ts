import { Writable } from 'node:stream';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import winston from 'winston';
import { correlationId } from './correlation.js';

export type LogFields = Record<string, unknown>;

/** What the services need from a logger; a winston logger is one. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where finished JSON lines go instead of stdout: an array in tests, a demo's filter. */
export type LogSink = (line: string) => void;

// #region logger
/**
 * JSON lines from winston that always carry the service name, the current correlation id and,
 * while a span is active, its `trace_id` and `span_id`: a log search for one trace id returns the
 * lines of every service that trace crossed.
 */
export function createLogger(service: string, sink?: LogSink): Logger {
  return winston.createLogger({
    defaultMeta: {
      service,
      // A getter, read as each line is logged, inside the request's async context. A winston format
      // runs later, inside the logger's stream, where that context may already be gone.
      get correlationId() {
        return correlationId();
      },
      get trace_id() {
        return activeSpanContext()?.traceId;
      },
      get span_id() {
        return activeSpanContext()?.spanId;
      },
    },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [sink ? new winston.transports.Stream({ stream: lines(sink) }) : new winston.transports.Console()],
  });
}
// #endregion logger

/** The active span's ids; without tracing started (or outside any span) there are none to add. */
function activeSpanContext() {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context : undefined;
}

function lines(sink: LogSink): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) sink(line);
      done();
    },
  });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
