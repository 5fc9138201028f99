import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import Fastify, { type FastifyInstance } from 'fastify';

/** The payload every framework serves at GET /hello, so only the framework differs. */
export const GREETING = { hello: 'world' } as const;

// #region frameworks
/** The platform alone: the floor every framework adds its cost to. */
export function createNodeHelloServer(): Server {
  const body = JSON.stringify(GREETING);
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    } else {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not found"}');
    }
  });
}

/** Fastify: a response schema lets it serialize with a compiled stringifier. */
export function createFastifyHelloApp(): FastifyInstance {
  const app = Fastify(); // its logger is off by default
  // Stryker disable next-line ObjectLiteral: GREETING's one field is the schema's, so the bytes are the same without it; the schema changes only the speed, which the bench measures
  const schema = { response: { 200: { type: 'object', properties: { hello: { type: 'string' } } } } };
  // Stryker disable next-line ObjectLiteral: as above, the schema changes the speed, not the response
  app.get('/hello', { schema }, async () => GREETING);
  return app;
}

/**
 * Express 5: the most familiar API, and the most per-request work. By default it also hashes every
 * body into an ETag (so a client's If-None-Match can get a 304). `etag: false` turns that off where a
 * CDN or reverse proxy already validates, or the responses are never revalidated: the bench shows
 * what the hash costs on a small body.
 */
export function createExpressHelloApp(options: { etag?: boolean } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  if (options.etag === false) app.set('etag', false);
  app.get('/hello', (_req, res) => {
    res.json(GREETING);
  });
  return app;
}
// #endregion frameworks
