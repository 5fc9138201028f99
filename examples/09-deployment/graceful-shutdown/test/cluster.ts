// Two workers of the service behind one port (node:cluster, as pm2's cluster mode): when one stops,
// new connections go to the other, so a client's steady stream has somewhere to go, and a
// replacement is forked, so a test can stop them one after the other (a rolling restart).
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

cluster.setupPrimary({
  exec: fileURLToPath(new URL('../../test/serve.ts', import.meta.url)),
  execArgv: ['--import', 'tsx'],
});
for (let i = 0; i < 2; i += 1) cluster.fork();
cluster.on('exit', (worker, code) => {
  console.log(JSON.stringify({ message: 'fixture: worker exited', pid: worker.process.pid, code }));
  cluster.fork();
});
// The test ends the primary; the workers go with it.
process.on('SIGTERM', () => {
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
  process.exit(0);
});
