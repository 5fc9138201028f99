import type { LogFields, Logger } from '../correlation/logger.js';

/** A Logger that keeps every line as data, so a test can ask what a component reported and with which fields. */
export function recordingLog() {
  const lines: { message: string; fields?: LogFields }[] = [];
  const record = (message: string, fields?: LogFields) => void lines.push({ message, fields });
  const log: Logger = { info: record, warn: record, error: record };
  return {
    log,
    lines,
    /** The fields of every line logged with `message`, in order. */
    fieldsOf: (message: string) => lines.filter((line) => line.message === message).map((line) => line.fields),
  };
}
