// One measured server per process, for this package's HTTP benches. VARIANT=express-hello is
// Express's own hello (the limit a route can reach); VARIANT=express-logged the same with a request
// line for every request (the logging recipe's middleware, probes not skipped); VARIANT=hello+<part>
// the hello behind one part of the service's chain (helmet, deadline, reporter, logging), to price
// each alone; VARIANT=service is the service's app (createApp, real Postgres and Redis) with
// METRICS=1 adding the RED, runtime and pool metrics and a scrape of them every second. Tracing
// comes as in production, from `--import`. Every app is the server's handler itself, not mounted in
// another (a mounted Express app pays a second router and prototype swaps per request), and `/cpu`,
// the process's CPU use for the load generator, is answered before any of them.
// Prints {"url":…} once listening.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { devNull } from 'node:os';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { Registry } from 'prom-client';
import { loadConfig } from '../config/config.js';
import { Lifecycle } from '../health/health.js';
import { createLogger } from '../logging/logger.js';
import { requestLogging } from '../logging/request-logging.js';
import { createApp } from '../service/app.js';
import { createClients } from '../service/clients.js';
import { requestDeadline } from '../service/deadline.js';
import { collectRuntimeMetrics, recordPoolMetrics } from '../telemetry/metrics.js';
import { createMetricsServer } from '../telemetry/metrics-server.js';
import { reportFailedResponses } from '../telemetry/report-errors.js';

const nullLog = () => createLogger({ service: 'bench', level: 'info', stream: createWriteStream(devNull) });

/** The parts of createApp's chain in front of /health/live, each as the service configures it. */
const PARTS: Record<string, () => RequestHandler> = {
  helmet: () => helmet(),
  deadline: () => requestDeadline(10_000),
  reporter: () => reportFailedResponses(),
  logging: () => requestLogging(nullLog()), // passing probes skipped, as in the service
};

function expressHello(part: RequestHandler = (_req, _res, next) => next()) {
  return express()
    .use(part)
    .get('/health/live', (_req, res) => void res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }));
}

function service() {
  const config = loadConfig({ REDIS_KEY_PREFIX: 'cookbook-bench-deployment:', ...process.env, NODE_ENV: 'test' });
  const clients = createClients(config);
  const logger = nullLog();
  let metrics: Registry | undefined;
  if (process.env.METRICS === '1') {
    metrics = new Registry();
    collectRuntimeMetrics(metrics);
    recordPoolMetrics(metrics, { api: clients.pool, readiness: clients.readinessPool });
    const scraper = createMetricsServer(metrics).listen(0, '127.0.0.1', () => {
      const { port } = scraper.address() as AddressInfo;
      // Prometheus' side of the cost: a scrape every second.
      setInterval(() => void fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.arrayBuffer()), 1_000);
    });
  }
  const app = createApp({ ...config, clients, logger, lifecycle: new Lifecycle(), ...(metrics ? { metrics } : {}) });
  return app;
}

function app(variant: string) {
  if (variant === 'service') return service();
  if (variant === 'express-hello') return expressHello();
  if (variant === 'express-logged') return expressHello(requestLogging(nullLog(), { skip: () => false }));
  const part = PARTS[variant.replace(/^hello\+/, '')];
  if (!variant.startsWith('hello+') || !part) throw new Error(`unknown VARIANT ${variant}`);
  return expressHello(part());
}

const handler = app(process.env.VARIANT ?? 'service');
const server = createServer((req, res) => {
  if (req.url !== '/cpu') return void handler(req, res);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(process.cpuUsage()));
}).listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => process.exit(0));
