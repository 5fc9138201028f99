import { createServer, type Server, type Socket } from 'node:net';
import { loadConfig } from '../config/config.js';
import { type Service, type ServiceOptions, startService } from '../service/service.js';
import { CapturedLog } from './captured-log.js';
import { workRoutes } from './work-routes.js';

export interface TestService extends Service {
  log: CapturedLog;
  /** Runs the real shutdown and resolves with the exit code it asked for. */
  stop(): Promise<number>;
}

export interface TestServiceOptions extends Pick<ServiceOptions, 'shutdownWith' | 'clientsWith' | 'extraRoutes'> {
  /** Sees every log line as it is written (a demo prints them); the lines are kept either way. */
  echo?: (text: string) => void;
}

/**
 * The real service, in-process, on a free port, logging into memory; exit() is captured, not run.
 * Tests and demos use it alike.
 */
export async function startTestService(env: NodeJS.ProcessEnv, options: TestServiceOptions = {}): Promise<TestService> {
  const log = new CapturedLog(options.echo);
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => {
    exited = resolve;
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    DB_POOL_MAX: '3',
    ...env,
  });
  const service = await startService(config, {
    logStream: log,
    exit: (code) => exited(code),
    ...(options.shutdownWith ? { shutdownWith: options.shutdownWith } : {}),
    ...(options.clientsWith ? { clientsWith: options.clientsWith } : {}),
    // Demos and tests get the slow routes; the production app (start.ts) never mounts them.
    extraRoutes: options.extraRoutes ?? ((clients) => workRoutes(clients.pool)),
  });
  return {
    ...service,
    log,
    stop: async () => {
      void service.shutdown('SIGTERM');
      return exitCode;
    },
  };
}

/** A TCP peer that accepts connections and never answers: a dependency that hangs. */
export async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
