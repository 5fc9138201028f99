import { spawn } from 'node:child_process';
import { groupAlive, killGroup } from './run-example.js';

/**
 * Runs commands one at a time, each in its own process group, and owns Ctrl-C for them: the first
 * SIGINT/SIGTERM is forwarded once to the running group (a terminal would otherwise deliver it to
 * every process, and wrappers relay it again), a second one kills the group. `interrupted` tells the
 * caller to stop starting new work and exit 130 once cleanup is done.
 */
export class ChildGroup {
  interrupted = false;
  private running: number | undefined;

  constructor() {
    process.on('SIGINT', (signal) => this.onSignal(signal));
    process.on('SIGTERM', (signal) => this.onSignal(signal));
  }

  /** Resolves with the exit code (null when a signal ended it, or it could not start). */
  run(
    command: string,
    args: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ): Promise<number | null> {
    return new Promise((resolve) => {
      const child = spawn(command, args, { ...options, stdio: 'inherit', detached: true });
      this.running = child.pid;
      child.once('error', (error) => {
        console.error(`could not start ${command}: ${error.message}`);
        resolve(null);
      });
      child.once('exit', (code) => {
        // What the step started may still be shutting down (services a test launched, reconnecting
        // consumers); the next step, or the run's sweep of databases and queues, waits for them.
        void groupGone(child.pid ?? 0, 15_000).then(() => {
          this.running = undefined;
          resolve(code);
        });
      });
    });
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.interrupted) {
      if (this.running !== undefined) killGroup(this.running, 'SIGKILL');
      return;
    }
    this.interrupted = true;
    console.log(`\n${signal}: stopping the running step and waiting for its cleanup (again to kill it)`);
    if (this.running !== undefined) killGroup(this.running, signal);
  }
}

/** Waits for every process of a group to exit; past `timeoutMs` it kills what is left. */
async function groupGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pid > 0 && groupAlive(pid)) {
    if (Date.now() > deadline) {
      killGroup(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
