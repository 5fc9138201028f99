import type { Writable } from 'node:stream';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import winston from 'winston';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level: string;
  /** Where JSON lines go; stdout by default, so the platform (pm2, Docker) owns files and rotation. */
  stream?: Writable;
}

// #region create-logger
/**
 * One JSON object per line: timestamp, level, service, message, fields, and the trace and span
 * ids of the request that wrote it. Secrets are scrubbed before serialising, so a careless
 * `log.info('...', { headers })` cannot leak a token.
 */
export function createLogger({ service, level, stream }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(
      traceContext(),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      redactSecrets(),
      winston.format.json(),
    ),
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  });
}
// #endregion create-logger

// #region trace-context
/**
 * The active span's ids, read when the line is written, so a search for one `trace_id` finds the
 * lines of the trace the viewer shows. `trace_flags` 01: the trace was sampled and its spans exist;
 * 00: only the logs do. Without the tracing SDK (`--import ../telemetry/register.js`) there is no span.
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

// #region redact
const SECRET_KEY = /authorization|cookie|password|passwd|secret|token|api[-_]?key/i;
// scheme://user:password@host -> scheme://user:***@host. The password runs to the authority's last
// "@", as URL parsers read it: a raw "@" in it (`p@ss`) would otherwise leave its tail in the log.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^/?#\s]*@/gi;

/** A winston format that copies the entry with secret fields masked and errors made serialisable. */
export const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) info[key] = scrub(info[key], key);
  return info;
});

function scrub(value: unknown, key: string, depth = 0): unknown {
  if (SECRET_KEY.test(key)) return '[REDACTED]';
  if (typeof value === 'string') return value.replace(URL_CREDENTIALS, '$1***@');
  if (value === null || typeof value !== 'object') return value;
  // Deeper than this (or a cycle) is cut, not written as it came: a password six levels down is still one.
  if (depth > 5) return '[TRUNCATED]';
  if (value instanceof Error) {
    // Stryker disable next-line StringLiteral: 'message' and 'stack' are no secret's name; any such key scrubs alike
    return { name: value.name, message: scrub(value.message, 'message'), stack: scrub(value.stack, 'stack') };
  }
  // Stryker disable next-line StringLiteral: an item has no key of its own; any name no secret has scrubs alike
  if (Array.isArray(value)) return value.map((item) => scrub(item, '', depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = scrub(v, k, depth + 1);
  return copy;
}
// #endregion redact

// #region naive-logger
/** The Q&A's logger minus its files: JSON with a timestamp, but nothing masks what it is given. */
export function naiveLogger(stream?: Writable): Logger {
  return winston.createLogger({
    level: 'info',
    format: winston.format.combine(
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    defaultMeta: { service: 'api' },
    transports: [stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console()],
  });
}
// #endregion naive-logger
