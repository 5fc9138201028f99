import { once } from 'node:events';
import { type Fixture, spawnFixture } from '@cookbook/shared/testing';
import { type LogEntry, logEntries } from './captured-log.js';

/** Every variable the service reads: unset unless a test names it, so the shell running the tests leaks nothing in. */
const SERVICE_VARIABLES = [
  'NODE_ENV',
  'SERVICE_NAME',
  'HOST',
  'PORT',
  'METRICS_PORT',
  'DATABASE_URL',
  'DB_POOL_MAX',
  'DB_QUEUE_MAX',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'LOG_LEVEL',
  'HEALTH_CHECK_TIMEOUT_MS',
  'DEPENDENCY_TIMEOUT_MS',
  'REQUEST_TIMEOUT_MS',
  'DRAIN_DELAY_MS',
  'SHUTDOWN_TIMEOUT_MS',
];

const running = new Set<Fixture>();

/**
 * Runs a TypeScript entry of this package in its own process, the way pm2 or Docker would, with only
 * `vars` set; `imports` are loaded by `--import` before it, as the image loads the telemetry entry.
 */
export function spawnService(file: URL, vars: NodeJS.ProcessEnv, imports: readonly URL[] = []): Fixture {
  const env = Object.fromEntries(SERVICE_VARIABLES.map((name) => [name, undefined]));
  // A free metrics port unless a test names one: production's 9464 would collide between tests.
  const fixture = spawnFixture(file, { imports, env: { ...env, METRICS_PORT: '0', ...vars } });
  running.add(fixture);
  void fixture.exited.then(() => running.delete(fixture));
  return fixture;
}

/** The first JSON log line on the child's stdout that matches `predicate`, seen or still to come. */
export function waitForLog(fixture: Fixture, predicate: (entry: LogEntry) => boolean): Promise<LogEntry> {
  return fixture.waitUntil((lines) => logEntries(lines).find(predicate));
}

/** Exit code once stdout and stderr are fully read, so no line printed just before exit is missing. */
export async function exitCode(fixture: Fixture): Promise<number | null> {
  const code = await fixture.exited;
  const { stdout, stderr } = fixture.child;
  await Promise.all([stdout, stderr].map((stream) => (stream && !stream.closed ? once(stream, 'close') : undefined)));
  return code;
}

/** For afterAll: whatever a failed test left running. */
export async function killServices(): Promise<void> {
  await Promise.all([...running].map((fixture) => fixture.kill()));
}
