/** The one logging port every layer receives; swap in pino or a test recorder without touching callers. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line on stdout/stderr, the shape log shippers expect. */
export function createJsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
  return { info: log('info'), error: log('error') };
}

/** For demos and tests: keeps every entry so it can be read back. */
export function createMemoryLogger(): Logger & {
  entries: { level: string; message: string; fields: Record<string, unknown> }[];
} {
  const entries: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  return {
    entries,
    info: (message, fields = {}) => void entries.push({ level: 'info', message, fields }),
    error: (message, fields = {}) => void entries.push({ level: 'error', message, fields }),
  };
}

/** The fields worth logging for an unexpected error, stack included (logs are private; responses are not). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  return { thrown: String(error) };
}
