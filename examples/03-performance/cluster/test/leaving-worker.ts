// A worker that leaves on purpose soon after it listens (its job done, say): it disconnects itself,
// which closes its server and lets it exit 0. node: imports only, so no loader. (At once, inside the
// listen callback, it would leave before the primary has heard that it listens.)
import cluster from 'node:cluster';
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end('{}'));
server.listen(Number(process.env.PORT), '127.0.0.1', () => setTimeout(() => cluster.worker?.disconnect(), 100));
