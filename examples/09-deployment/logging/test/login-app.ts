import express, { type Express, type RequestHandler } from 'express';
import request from 'supertest';
import type { Logger } from '../logger.js';
import { errorHandler } from '../request-logging.js';

/** One of each kind of secret a request carries; a test greps the log for each. */
export const SECRETS = {
  bearer: 'tok-bearer-5f2c',
  cookie: 'sess-cookie-91ad',
  password: 'pw-hunter2-77',
  query: 'qs-token-3b0e',
};

/** A login route and a failing route behind the given request logger: the same load for both. */
export function loginApp(logger: Logger, logging: (logger: Logger) => RequestHandler): Express {
  const app = express().use(express.json()).use(logging(logger));
  app.post('/login', (_req, res) => void res.status(204).end());
  app.get('/boom', function failingHandler() {
    throw new Error('orders table is on fire');
  });
  return app.use(errorHandler());
}

/** A login that carries every secret: in the Authorization header, a cookie, the body and the query. */
export async function sendSecrets(app: Express): Promise<void> {
  await request(app)
    .post(`/login?token=${SECRETS.query}`)
    .set('authorization', `Bearer ${SECRETS.bearer}`)
    .set('cookie', `session=${SECRETS.cookie}`)
    .send({ user: 'ada', password: SECRETS.password });
}
