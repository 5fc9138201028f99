import { setTimeout as sleep } from 'node:timers/promises';
import { closeErrorTracking } from './error-tracking.js';
import { collectRuntimeMetrics } from './metrics.js';
import { serveMetrics } from './metrics-server.js';
import { stopTracing } from './tracing.js';

export interface TelemetryOptions {
  /** The private port `/metrics` listens on (0 picks one); never the service's public port. */
  metricsPort: number;
  metricsHost?: string;
}

export interface Telemetry {
  /** `http://host:port`; Prometheus scrapes `<metricsUrl>/metrics`. */
  metricsUrl: string;
  /** Closes `/metrics`. The process's spans and error events are flushed by `stopTelemetry`. */
  stop(): Promise<void>;
}

// #region start-telemetry
/**
 * What a service adds once it is up: runtime metrics and `/metrics` on a port of its own. Tracing
 * and error tracking are already running by then, started by `--import ./telemetry/register.ts`
 * before the first application import.
 */
export async function startTelemetry({ metricsPort, metricsHost }: TelemetryOptions): Promise<Telemetry> {
  collectRuntimeMetrics();
  const metrics = await serveMetrics(metricsPort, metricsHost);
  return { metricsUrl: metrics.url, stop: () => metrics.close() };
}
// #endregion start-telemetry

/**
 * The last step of a process's shutdown (SIGTERM, or a crash on its way out): sends the error
 * events still queued, then the batched spans, each within `timeoutMs`. Per process, not per
 * service: it ends tracing for everything the process runs.
 */
export async function stopTelemetry(timeoutMs = 2_000): Promise<void> {
  await closeErrorTracking(timeoutMs);
  await Promise.race([stopTracing(), sleep(timeoutMs, undefined, { ref: false })]);
}
