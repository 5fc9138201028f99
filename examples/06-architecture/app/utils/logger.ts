import type { Writable } from 'node:stream';
import winston from 'winston';
import { currentRequestId } from './request-context.js';

/** The one logging port every layer receives: callers never see winston, tests pass a recorder. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something failed that is not a bug in this code (a dependency down): worth a line, not a stack. */
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// #region winston-logger
/** Stamps the current request's id on the line, unless the caller named one. */
const withRequestId = winston.format((info) => {
  // Outside a request this sets undefined, which the JSON format leaves out.
  info.requestId ??= currentRequestId();
  return info;
});

/**
 * One JSON object per line, the shape log shippers expect, with the request id on every line
 * written while a request is handled. Writes to stdout, or to `stream` (tests read it back).
 */
export function createLogger(options: { stream?: Writable; level?: string } = {}): Logger {
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(withRequestId(), winston.format.timestamp(), winston.format.json()),
    transports: [
      options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console(),
    ],
  });
  return {
    info: (message, fields = {}) => void logger.info(message, fields),
    warn: (message, fields = {}) => void logger.warn(message, fields),
    error: (message, fields = {}) => void logger.error(message, fields),
  };
}
// #endregion winston-logger

export interface LogEntry {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** For demos and tests: keeps every entry so it can be read back. */
export function createMemoryLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    info: (message, fields = {}) => void entries.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => void entries.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => void entries.push({ level: 'error', message, fields }),
  };
}

/** The fields worth logging for an unexpected error, stack included (logs are private; responses are not). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  return { thrown: String(error) };
}
