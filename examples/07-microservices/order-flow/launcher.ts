import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DEPLOYABLES, type ServiceName } from './services/deployables.js';
import { type SystemOptions, systemEnv } from './system-env.js';

export interface LaunchOptions extends SystemOptions {
  /** Every JSON log line of every service, as it arrives on the children's stdout. */
  logSink?: (line: string) => void;
  /** How Node runs the TypeScript entries; compiled JavaScript needs none. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export interface LaunchedService {
  name: ServiceName;
  url: string;
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>;
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

// #region launcher
/**
 * Runs the four services as four processes, as an orchestrator would: each gets its own
 * environment, announces its URL in its `listening` log line, and is stopped with SIGTERM.
 */
export async function launchSystem(options: LaunchOptions) {
  const env = systemEnv(options);
  const names = Object.keys(DEPLOYABLES) as ServiceName[];
  const started = await Promise.allSettled(names.map((name) => launchService(name, env[name], options)));
  const services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    // Gateway first, user-service last: no service is stopped while one that calls it still runs.
    const codes: Partial<Record<ServiceName, number | null>> = {};
    for (const service of [...services].reverse()) codes[service.name] = await service.stop();
    return codes;
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const url = (name: ServiceName) => services.find((s) => s.name === name)?.url ?? '';
  return {
    services,
    urls: {
      gateway: url('gateway'),
      users: url('user-service'),
      orders: url('order-service'),
      email: url('email-service'),
    },
    stop,
  };
}
// #endregion launcher

export type LaunchedSystem = Awaited<ReturnType<typeof launchSystem>>;

/** Starts one entry point; resolves once it logged `listening`, rejects with its stderr if it exits first. */
export async function launchService(
  name: ServiceName,
  env: Record<string, string>,
  {
    logSink = (line) => void process.stdout.write(`${line}\n`),
    nodeArgs = ['--import', 'tsx'],
    startTimeoutMs = 120_000,
  }: Omit<LaunchOptions, keyof SystemOptions> = {},
): Promise<LaunchedService> {
  const entry = fileURLToPath(new URL(DEPLOYABLES[name].entry, new URL('..', import.meta.url)));
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: packageRoot,
    env: { OTEL_SERVICE_NAME: name, ...process.env, ...env }, // the name its spans and error reports carry
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this process ends without stopping the system (an uncaught error, a runner's timeout), the
  // services must not live on as orphans holding their ports.
  const killOrphan = () => child.kill('SIGKILL');
  process.once('exit', killOrphan);
  const exited = once(child, 'exit').then(([code]) => {
    process.off('exit', killOrphan);
    return code as number | null;
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const url = new Promise<string>((resolve, reject) => {
    let pending = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        logSink(line);
        const parsed = parseLine(line);
        if (parsed?.message === 'listening' && typeof parsed.url === 'string') resolve(parsed.url);
      }
    });
    void exited.then((code) => reject(new Error(`${name} exited (${code}) before listening: ${stderr.trim()}`)));
    setTimeout(() => reject(new Error(`${name} did not listen within ${startTimeoutMs} ms`)), startTimeoutMs).unref();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  try {
    return { name, url: await url, child, stop };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
