import { createRequire } from 'node:module';
import type { ProcessDescription, StartOptions } from 'pm2';

type Pm2 = typeof import('pm2');

/**
 * pm2's programmatic API, promisified, bound to a PM2_HOME of the caller's (a temp dir), so the
 * test never talks to a pm2 daemon someone already runs on this machine.
 */
export function pm2Client(home: string) {
  process.env.PM2_HOME = home;
  process.env.PM2_DISCRETE_MODE = 'true';
  // pm2 reads PM2_HOME when it is first loaded, hence the late require.
  const pm2 = createRequire(import.meta.url)('pm2') as Pm2;
  const call = <T>(run: (done: (error: Error | null, value: T) => void) => void) =>
    new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
  return {
    connect: () => call<void>((done) => pm2.connect((error) => done(error, undefined))),
    start: (options: StartOptions) => call<unknown>((done) => pm2.start(options, done)),
    list: () => call<ProcessDescription[]>((done) => pm2.list(done)),
    reload: (name: string) => call<unknown>((done) => pm2.reload(name, done)),
    delete: (name: string) => call<unknown>((done) => pm2.delete(name, done)),
    deleteAll: () => call<unknown>((done) => pm2.delete('all', done)),
    killDaemon: () => call<unknown>((done) => pm2.killDaemon(done)),
    disconnect: () => pm2.disconnect(),
  };
}

export type Pm2Client = ReturnType<typeof pm2Client>;
