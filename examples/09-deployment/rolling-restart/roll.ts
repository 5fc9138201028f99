import type { Haproxy } from './haproxy.js';

/** One running instance of the service, as the roll needs it. */
export interface Instance {
  /** Its server name in HAProxy. */
  name: string;
  pid: number;
  /** Sends SIGTERM; the service turns not-ready at once, keeps serving while it drains, then exits. */
  terminate(): void;
  /** The exit code, once the process has exited. */
  exited: Promise<number | null>;
}

export interface RollStep {
  name: string;
  oldPid: number;
  newPid: number;
  exitCode: number | null;
}

export interface RollOptions {
  haproxy: Haproxy;
  /** Starts a replacement that HAProxy knows by `name` (here: the same address, once the old one is gone). */
  start(name: string): Promise<Instance>;
  onStep?(message: string): void;
  /** How long a replacement may take to start and pass HAProxy's probes: a busy node starts slowly. */
  upTimeoutMs?: number;
}

// #region rolling-restart
/**
 * Replaces every instance, one at a time, the way a Deployment's rolling update with
 * `maxUnavailable: 1, maxSurge: 0` does: SIGTERM makes the old one fail readiness while it keeps
 * serving; only once HAProxy reports it DOWN is it certain no new request goes there; the process
 * then finishes what it holds and exits 0; the replacement starts, and the next instance waits
 * until HAProxy reports that one UP. Never two down at once; never a guess about timing.
 */
export async function rollingRestart(instances: Instance[], options: RollOptions): Promise<RollStep[]> {
  const { haproxy, start, onStep = () => {}, upTimeoutMs = 120_000 } = options;
  const steps: RollStep[] = [];
  for (const [index, old] of instances.entries()) {
    await refuseUnlessAllUp(haproxy);
    old.terminate();
    await untilDownBeforeExit(haproxy, old);
    onStep(`${old.name}: pid ${old.pid} DOWN in HAProxy, draining`);
    const exitCode = await old.exited;
    if (exitCode !== 0) throw new Error(`${old.name} (pid ${old.pid}) exited ${exitCode}, not 0: its shutdown failed`);
    const replacement = await start(old.name);
    // In the caller's list at once: if it never comes UP, whoever stops the fleet still stops it.
    instances[index] = replacement;
    await untilUpOrExited(haproxy, replacement, upTimeoutMs);
    onStep(`${old.name}: pid ${replacement.pid} UP`);
    steps.push({ name: old.name, oldPid: old.pid, newPid: replacement.pid, exitCode });
  }
  return steps;
}
// #endregion rolling-restart

/**
 * The drain only works if the balancer stops routing before the process stops accepting. An
 * instance that exits while HAProxy still reports it in rotation proves the drain too short for the
 * probes (or the balancer too slow): the roll stops there rather than go on dropping requests.
 */
async function untilDownBeforeExit(haproxy: Haproxy, instance: Instance): Promise<void> {
  let down = false;
  const exitedFirst = instance.exited.then(() => {
    if (!down) {
      throw new Error(
        `${instance.name} (pid ${instance.pid}) exited before HAProxy took it out of rotation: raise DRAIN_DELAY_MS above the probe interval × fall`,
      );
    }
  });
  const taken = haproxy.waitFor(instance.name, 'DOWN').then(() => {
    down = true;
  });
  await Promise.race([taken, exitedFirst]);
}

/** A replacement that crashes fails the roll at once, not after the whole timeout. */
async function untilUpOrExited(haproxy: Haproxy, instance: Instance, timeoutMs: number): Promise<void> {
  const crashed = instance.exited.then((code) => {
    throw new Error(`${instance.name} (pid ${instance.pid}) exited ${code} before HAProxy saw it UP: read its log`);
  });
  await Promise.race([haproxy.waitFor(instance.name, 'UP', timeoutMs), crashed]);
}

/** maxUnavailable: 1. Taking one out while another is already out would halve capacity, or empty it. */
async function refuseUnlessAllUp(haproxy: Haproxy): Promise<void> {
  // `no check`: probes are off and HAProxy routes to it as to an UP server.
  const notUp = (await haproxy.stats()).filter((s) => s.status !== 'UP' && s.status !== 'no check');
  if (notUp.length > 0) {
    const states = notUp.map((s) => `${s.name} is ${s.status}`).join(', ');
    throw new Error(`refusing to restart the next instance: ${states}; bring it back UP first (maxUnavailable is 1)`);
  }
}
