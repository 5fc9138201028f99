// One measured server per process, for this package's HTTP benches. VARIANT=express-hello is
// Express's own hello (the limit a route can reach), VARIANT=express-logged the same with a request
// line for every request (the logging recipe's middleware, probes not skipped); VARIANT=service is the service's app
// (createApp, real Postgres and Redis) with METRICS=1 adding the RED, runtime and pool metrics
// and a scrape of them every second. Tracing comes as in production, from `--import`.
// Prints {"url":…} once listening; `/cpu` answers the process's CPU use, for the load generator.
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { devNull } from 'node:os';
import express from 'express';
import { Registry } from 'prom-client';
import { loadConfig } from '../config/config.js';
import { Lifecycle } from '../health/health.js';
import { createLogger } from '../logging/logger.js';
import { requestLogging } from '../logging/request-logging.js';
import { createApp } from '../service/app.js';
import { createClients } from '../service/clients.js';
import { collectRuntimeMetrics, recordPoolMetrics } from '../telemetry/metrics.js';
import { createMetricsServer } from '../telemetry/metrics-server.js';

const cpu = express().get('/cpu', (_req, res) => void res.json(process.cpuUsage()));

const nullLog = () => createLogger({ service: 'bench', level: 'info', stream: createWriteStream(devNull) });

function expressHello(logged: boolean) {
  return express()
    .use(cpu)
    .use(logged ? requestLogging(nullLog(), { skip: () => false }) : (_req, _res, next) => next())
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
  return express().use(cpu).use(app);
}

const variant = process.env.VARIANT ?? 'service';
const app = variant === 'service' ? service() : expressHello(variant === 'express-logged');
const server = createServer(app).listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => process.exit(0));
