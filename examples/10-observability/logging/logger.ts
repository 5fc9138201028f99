import { isSpanContextValid, trace } from '@opentelemetry/api';
import winston from 'winston';

// #region trace-context
/**
 * Adds the active span's ids to every line, read when the line is written (not when the logger
 * is made), so a log search for one `trace_id` returns what the trace viewer shows for it.
 * `trace_flags` 01 means the trace was sampled: its spans exist; 00 means only the logs do.
 */
export const traceContext = winston.format((info) => {
  const context = trace.getActiveSpan()?.spanContext();
  if (context && isSpanContextValid(context)) {
    info.trace_id = context.traceId;
    info.span_id = context.spanId;
    info.trace_flags = context.traceFlags.toString(16).padStart(2, '0');
  }
  return info;
});
// #endregion trace-context

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Where the JSON lines go; stdout by default, for the platform's log collector to ship. */
  stream?: NodeJS.WritableStream;
}

// #region logger
/** One JSON object a line on stdout, each joined to its trace. */
export function createLogger({ service, level = 'info', stream = process.stdout }: LoggerOptions): winston.Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(
      traceContext(),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream })],
  });
}
// #endregion logger

// #region naive-logger
/** The pitfall: JSON lines with no trace ids, so nothing joins a line to the request that wrote it. */
export function naiveCreateLogger({ service, level = 'info', stream = process.stdout }: LoggerOptions): winston.Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
}
// #endregion naive-logger
