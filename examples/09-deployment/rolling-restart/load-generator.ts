import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { extname } from 'node:path';

export interface PhaseCount {
  ok: number;
  failed: number;
  ms: number;
}

export interface LoadReport {
  phases: Record<string, PhaseCount>;
  /** The first few failures, as status codes or error messages: what a user would have seen. */
  failures: string[];
}

export type LoadMessage = { phase: string } | { stop: true };

/**
 * A closed-loop load: `connections` keep-alive connections, each sending its next GET when the last
 * one is answered, so the load is bounded and never queues up behind a slow phase. Requests are
 * counted per named phase; anything but a 200 is a failure.
 */
export function generateLoad(url: string, connections: number, onFirstAnswer: () => void = () => {}) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const phases: Record<string, PhaseCount> = {};
  const failures: string[] = [];
  let phase = 'warm-up';
  let phaseStarted = performance.now();
  let stopping = false;
  let answered = false;
  const current = () => {
    const entry = phases[phase] ?? { ok: 0, failed: 0, ms: 0 };
    phases[phase] = entry;
    return entry;
  };
  const count = (outcome: 'ok' | 'failed') => {
    current()[outcome] += 1;
  };
  const closePhase = () => {
    current().ms += performance.now() - phaseStarted;
  };
  const worker = async () => {
    while (!stopping) {
      const outcome = await getOnce(url, agent);
      if (!answered) onFirstAnswer();
      answered = true;
      if (outcome === 200) count('ok');
      else {
        count('failed');
        if (failures.length < 10) failures.push(String(outcome));
      }
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return {
    enter(next: string) {
      closePhase();
      phase = next;
      phaseStarted = performance.now();
    },
    async stop(): Promise<LoadReport> {
      closePhase();
      stopping = true;
      await Promise.all(workers);
      agent.destroy();
      return { phases, failures };
    },
  };
}

function getOnce(url: string, agent: Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (error) => resolve(error.message));
    });
    req.on('error', (error) => resolve(`${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}`.trim()));
    req.end();
  });
}

/** The load generator as a process of its own, so it is a second client, not the roll's own event loop. */
// The entry next to this module, compiled (.js) or not (.ts under tsx).
export function spawnLoadGenerator(options: { url: string; connections: number; execArgv: string[] }) {
  const child: ChildProcess = fork(
    new URL(`./load-process${extname(import.meta.url)}`, import.meta.url),
    [options.url, String(options.connections)],
    {
      execArgv: options.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = once(child, 'exit');
  // Starting a process (and tsx) takes seconds on a busy machine: phases begin once requests flow.
  const started = new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the load generator exited (${code}) before its first request`)));
  });
  return {
    started,
    enter: (phase: string) => child.send({ phase } satisfies LoadMessage),
    async stop(): Promise<LoadReport> {
      const report = once(child, 'message') as Promise<[LoadReport]>;
      child.send({ stop: true } satisfies LoadMessage);
      const [answer] = await report;
      await exited;
      return answer;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** Requests per second of a phase. */
export function throughput(count: PhaseCount | undefined): number {
  return count && count.ms > 0 ? (count.ok * 1_000) / count.ms : 0;
}
