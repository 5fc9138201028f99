import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

// #region metrics-server
/**
 * `/metrics` on a server of its own, on a port (METRICS_PORT) the load balancer does not route
 * to, so the public router never shows route names, pool sizes and heap figures to the internet.
 */
export function createMetricsServer(registry: Registry): Server {
  return createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"only GET /metrics is served here"}');
      return;
    }
    try {
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${String(error)}`);
    }
  });
}
// #endregion metrics-server
