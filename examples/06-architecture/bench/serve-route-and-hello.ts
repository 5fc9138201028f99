// One framework in one process: its own hello-world and the layered GET /products/:id side by side,
// so both share a JIT, a heap and a core. The product repository is in memory: the database is the
// other bench's subject (http-edge); this one measures only what the edge adds per request.
// The route is served twice: with the production logger, and with a logger that drops every line,
// so the difference is the price of the access line.
// Usage: serve-route-and-hello.ts <express|fastify>; prints "READY <hello> <route> <route-unlogged>".
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import { Writable } from 'node:stream';
import { closeServer, listen } from '@cookbook/shared';
import express from 'express';
import Fastify from 'fastify';
import { createHttpApp } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import type { NewProduct, Product, ProductRepository } from '../app/services/product-service.js';
import { ProductService } from '../app/services/product-service.js';
import type { UserService } from '../app/services/user-service.js';
import { createLogger } from '../app/utils/logger.js';
import { type PageRequest, toPage } from '../app/utils/pagination.js';

export const PRODUCTS = 50;

class MemoryProductRepository implements ProductRepository {
  private readonly rows = Array.from({ length: PRODUCTS }, (_, i) => ({
    id: i + 1,
    name: `Product ${i + 1}`,
    priceCents: (i + 1) * 100,
    stock: i + 1,
    createdAt: new Date(0),
  }));
  async create(product: NewProduct): Promise<Product> {
    const row = { stock: 0, ...product, id: this.rows.length + 1, createdAt: new Date() };
    this.rows.push(row);
    return row;
  }
  async findById(id: number): Promise<Product | undefined> {
    return this.rows[id - 1];
  }
  async list({ limit, after = 0 }: PageRequest) {
    return toPage(this.rows.slice(after, after + limit + 1), limit);
  }
}

const [framework = ''] = process.argv.slice(2);
const tokenSecret = process.env.TOKEN_SECRET;
if (!tokenSecret || !['express', 'fastify'].includes(framework))
  throw new Error('usage: TOKEN_SECRET=… serve-route-and-hello.ts <express|fastify>');

// The production logger (winston, one JSON line per request), writing to a sink instead of stdout
// so the terminal is not what gets measured.
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const logger = createLogger({ stream: sink });
const products = new ProductService(new MemoryProductRepository());
// No user route is requested; the service only completes the edge's shape.
const users = {} as UserService;
const edge = { users, products, logger, tokenSecret };
const unlogged = { ...edge, logger: { info() {}, warn() {}, error() {} } };

const stops: (() => Promise<void>)[] = [];
let urls: string[];
if (framework === 'express') {
  const hello = express().get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  const servers: Server[] = [hello, createHttpApp(edge), createHttpApp(unlogged)].map((app) => createServer(app));
  urls = await Promise.all(servers.map((server) => listen(server, 0)));
  for (const server of servers) stops.push(() => closeServer(server));
} else {
  const hello = Fastify().get('/hello', async () => ({ hello: 'world' }));
  const apps = [hello, createFastifyApp(edge), createFastifyApp(unlogged)];
  urls = await Promise.all(apps.map((app) => app.listen({ port: 0, host: '127.0.0.1' })));
  for (const app of apps) stops.push(() => app.close());
}
// CPU_PROFILE=<file>: the profiler starts on SIGUSR2 (after the caller's warm-up), is written at SIGTERM.
const profileFile = process.env.CPU_PROFILE;
const profiler = profileFile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  process.once('SIGUSR2', () => void profiler.post('Profiler.start'));
}
console.log(`READY ${urls[0]}/hello ${urls[1]}/products/1 ${urls[2]}/products/1`);
process.once('SIGTERM', async () => {
  if (profiler && profileFile)
    writeFileSync(profileFile, JSON.stringify((await profiler.post('Profiler.stop')).profile));
  await Promise.all(stops.map((stop) => stop()));
  process.exit(0);
});
