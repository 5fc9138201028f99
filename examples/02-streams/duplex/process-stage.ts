import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';

// #region naive-process-stage
/**
 * A child process glued into a Duplex from its stdin and stdout. It streams, but it never looks
 * at the exit code: a command that fails halfway ends its stdout normally, and the pipeline
 * resolves with truncated output as if all went well.
 */
export function naiveProcessStage(command: string, args: readonly string[] = []): Duplex {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  return Duplex.from({ writable: child.stdin, readable: child.stdout });
}
// #endregion naive-process-stage

// #region process-stage
/**
 * A hand-written Duplex: what we write goes to the child's stdin, what we read comes from its
 * stdout. Both sides keep backpressure (a write completes when stdin accepted it; stdout pauses
 * when our reader is full), and the readable side ends only when the process exits with code 0.
 */
export function processStage(command: string, args: readonly string[] = []): Duplex {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const { stdin, stdout } = child;
  const stage = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      stdin.write(chunk, callback);
    },
    final(callback) {
      stdin.end(callback);
    },
    read() {
      stdout.resume();
    },
    destroy(error, callback) {
      child.kill(); // a no-op once it has exited: Node signals only a child it has not reaped
      callback(error);
    },
  });
  stdout.on('data', (chunk: Buffer) => {
    if (!stage.push(chunk)) stdout.pause();
  });
  // 'close' comes after the process exited and its stdout ended, so every byte was pushed.
  child.on('close', (code, signal) => {
    if (code === 0) stage.push(null);
    else stage.destroy(new Error(`${command} exited with ${signal ?? `code ${code}`}`));
  });
  child.on('error', (error) => stage.destroy(error)); // e.g. ENOENT: no such command
  // The pending write fails with the same EPIPE and destroys the stage; the listener is what keeps
  // the 'error' event from being uncaught.
  // Stryker disable next-line ArrowFunction: as above, an empty listener fails the stage the same way
  stdin.on('error', (error) => stage.destroy(error)); // EPIPE: it exited before reading everything
  return stage;
}
// #endregion process-stage
