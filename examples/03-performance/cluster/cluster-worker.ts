import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

/** This file as the workers' entry: `.ts` from source, `.js` once compiled. */
export const clusterWorkerFile = fileURLToPath(import.meta.url);

// #region worker
/** The app each worker serves: who answered, and a slow route to show in-flight requests finish. */
export function createPidServer(): Server {
  return createServer((req, res) => {
    // Stryker disable next-line StringLiteral: a server's request always has a url; `??` is for the type
    const url = new URL(req.url ?? '/', 'http://localhost');
    const delayMs = url.pathname === '/slow' ? Math.min(Number(url.searchParams.get('ms')) || 0, 10_000) : 0;
    if (delayMs > 0) console.log(`worker ${process.pid} holding a request for ${delayMs} ms`);
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ pid: process.pid }));
    }, delayMs);
  });
}

/** Listens (the primary shares the port among workers) and closes gracefully when told to stop. */
export function serveAsWorker(port: number): Server {
  const server = createPidServer();
  server.listen(port, '127.0.0.1');
  // server.close() also closes idle keep-alive connections (Node 19+). Exiting once it is done ends a
  // worker whose app holds other handles (a pool, a timer), which disconnect() alone would leave running.
  const close = () => server.close(() => process.exit(0));
  process.on('message', (message: { cmd?: string }) => message.cmd === 'shutdown' && close());
  // Ctrl-C reaches the whole process group: let the primary drive the shutdown.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', close);
  return server;
}
// #endregion worker

// Runs only in a forked worker, so importing this file elsewhere has no side effect.
if (cluster.isWorker) serveAsWorker(Number(process.env.PORT ?? 3000));
