// A worker that knows nothing of the primary's 'shutdown' message: only disconnect() can close its
// server, after which nothing holds the process and it exits 0. node: imports only, so no loader.
import { createServer } from 'node:http';

createServer((_req, res) => res.end(JSON.stringify({ pid: process.pid }))).listen(
  Number(process.env.PORT),
  '127.0.0.1',
);
