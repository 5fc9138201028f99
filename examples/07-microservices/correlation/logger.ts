import { correlationId } from './correlation.js';

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where finished log lines go: stdout in production, an array in tests. */
export type LogSink = (line: string) => void;

const stdout: LogSink = (line) => process.stdout.write(`${line}\n`);

// #region logger
/** JSON lines that always carry the service name and the current correlation id. */
export function createLogger(service: string, sink: LogSink = stdout): Logger {
  const write = (level: string, message: string, fields: LogFields = {}) =>
    sink(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        service,
        correlationId: correlationId(),
        message,
        ...fields,
      }),
    );
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
// #endregion logger

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
