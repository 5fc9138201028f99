import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  /** When set, scrapes must send `Authorization: Bearer <token>` (Prometheus: `authorization.credentials`). */
  token?: string;
}

// #region metrics-server
/**
 * `/metrics` on a server of its own, listened on a port the load balancer does not route to, so
 * the public router never exposes route names, pool sizes and queue depths. The optional token is
 * for networks where that port is reachable anyway.
 */
export function createMetricsServer(registry: Registry, options: MetricsServerOptions = {}): Server {
  return createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"only GET /metrics is served here"}');
      return;
    }
    if (options.token !== undefined && !hasToken(req, options.token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
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

function hasToken(req: IncomingMessage, token: string): boolean {
  const sent = Buffer.from(req.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
