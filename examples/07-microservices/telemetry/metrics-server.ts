import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRegistry } from './metrics.js';

export interface MetricsServer {
  /** `http://host:port`; Prometheus scrapes `<url>/metrics`. */
  url: string;
  close(): Promise<void>;
}

// #region serve-metrics
/**
 * `/metrics` on a server of its own, on a port the load balancer does not route to: the public
 * router never exposes route names, pool sizes and queue depths. Port 0 picks a free one.
 */
export function serveMetrics(port: number, host = '127.0.0.1', registry = metricsRegistry): Promise<MetricsServer> {
  const server = createServer(async (req, res) => {
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
// #endregion serve-metrics
