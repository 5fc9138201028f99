// One HTTP edge in its own process, so the load generator does not share its event loop.
// Usage: serve-edge.ts <edge> <databaseUrl>; prints "READY <url>", stops on SIGTERM.
// Edges: bare | express-sequelize | express-pg | fastify-sequelize | fastify-pg
import { createServer } from 'node:http';
import { closeServer, listen } from '@cookbook/shared';
import pg from 'pg';
import { createServices } from '../app/composition.js';
import { createDatabase } from '../app/config/database.js';
import { createHttpApp } from '../app/express-app.js';
import { createFastifyApp } from '../app/fastify-app.js';
import { PgProductRepository } from '../app/repositories/pg-product-repository.js';
import { MemoryOutbox } from '../app/services/email-sender.js';
import { ProductService } from '../app/services/product-service.js';
import { createMemoryLogger } from '../app/utils/logger.js';

const [edge = '', databaseUrl] = process.argv.slice(2);
const tokenSecret = process.env.TOKEN_SECRET;
if (!databaseUrl || !tokenSecret) throw new Error('usage: TOKEN_SECRET=… serve-edge.ts <edge> <databaseUrl>');

/** The baseline: no framework, no ORM, no layers; one parameterised query on a pg pool. */
function bareServer(pool: pg.Pool) {
  return createServer(async (req, res) => {
    const id = Number(/^\/products\/(\d+)$/.exec(req.url ?? '')?.[1]);
    const { rows } = await pool.query(
      'SELECT id, name, price_cents AS "priceCents", stock, created_at AS "createdAt" FROM products WHERE id = $1',
      [id],
    );
    res.writeHead(rows[0] ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0] ?? {}));
  });
}

const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
const db = createDatabase(databaseUrl, { poolMax: 5 });
const services = createServices({ db, mailer: new MemoryOutbox(), logger: createMemoryLogger() });
// The composition root is where the repository is chosen: nothing above it changes.
if (edge.endsWith('-pg')) services.products = new ProductService(new PgProductRepository(pool));

let url: string;
let stopServer: () => Promise<void>;
if (edge === 'bare') {
  const server = bareServer(pool);
  url = await listen(server, 0);
  stopServer = () => closeServer(server);
} else if (edge.startsWith('express')) {
  const server = createServer(createHttpApp({ ...services, tokenSecret }));
  url = await listen(server, 0);
  stopServer = () => closeServer(server);
} else if (edge.startsWith('fastify')) {
  const app = createFastifyApp({ ...services, tokenSecret });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
  stopServer = () => app.close();
} else {
  throw new Error(`unknown edge "${edge}"`);
}
console.log(`READY ${url}`);
process.once('SIGTERM', async () => {
  await stopServer();
  await Promise.all([pool.end(), db.close()]);
  process.exit(0);
});
