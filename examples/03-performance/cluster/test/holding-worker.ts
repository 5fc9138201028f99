// A worker whose app keeps a handle of its own open, as a database pool or a metrics interval does:
// disconnect() closes its server, yet the timer alone would keep the process running.
import '../cluster-worker.js';

setInterval(() => {}, 60_000);
