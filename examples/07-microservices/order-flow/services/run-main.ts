import { createLogger, errorMessage, type Logger } from '../../correlation/logger.js';
import { stopTelemetry } from '../../telemetry/telemetry.js';
import type { ServiceName } from './deployables.js';
import { ConfigError, type EnvOf, type EnvSchema, readEnv } from './env.js';
import type { RunningService, RuntimeConfig } from './run-service.js';

// #region until-signalled
/**
 * What each entry point does after starting: on SIGTERM (or Ctrl-C) stop gracefully and exit 0,
 * or exit 1 if that takes longer than the deadline, before the orchestrator's SIGKILL would land.
 */
export function stopOnSignal(started: Promise<RunningService>, deadlineMs: number, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return; // a second signal must not cut the first shutdown short
    stopping = true;
    log.info('shutting down', { signal, deadlineMs });
    const deadline = setTimeout(() => {
      log.error('shutdown deadline passed, exiting anyway', { deadlineMs });
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    // The process's spans and error events go out last, after everything that could still make one.
    started
      .then((service) => service.stop())
      .then(() => stopTelemetry())
      .then(
        () => {
          // No process.exit: the process ends when nothing is left open. A leaked socket or timer
          // keeps it alive, and the deadline, still armed, turns that into exit code 1.
          log.info('stopped');
          process.exitCode = 0;
        },
        async (error: unknown) => {
          log.error('shutdown failed', { error: errorMessage(error) });
          await stopTelemetry();
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
// #endregion until-signalled

/** An entry point's whole body: config from the environment, start, stop on a signal; every failure an exit code. */
export async function runMain<S extends EnvSchema>(
  name: ServiceName,
  schema: S,
  start: (config: EnvOf<S> & RuntimeConfig, log: Logger) => Promise<RunningService>,
): Promise<void> {
  const log = createLogger(name);
  try {
    const config = readEnv(schema, process.env) as EnvOf<S> & RuntimeConfig;
    // Before the service listens and registers: once it is in the registry, a SIGTERM may come at
    // any moment, and without a handler Node's default is to die at once, still registered.
    const started = start(config, log);
    stopOnSignal(started, config.SHUTDOWN_TIMEOUT_MS, log);
    await started;
  } catch (error) {
    // A config error is the operator's to fix: one line naming every variable, no stack trace.
    if (error instanceof ConfigError) console.error(`${name}: ${error.message}`);
    else log.error('failed to start', { error: errorMessage(error) });
    await stopTelemetry();
    process.exit(error instanceof ConfigError ? 78 : 1); // 78: EX_CONFIG from sysexits.h
  }
}
