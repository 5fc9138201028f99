import compression from 'compression';
import express, { type Express } from 'express';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser, type User } from '../users/user.js';

// #region compression
/**
 * gzip level 1, one of zlib's fast levels (1 and 2 measured alike): on JSON like this list it sends
 * about the bytes of the default level 6 for far less CPU (the bench shows the curve). Measure on
 * your own payloads.
 */
export const GZIP_LEVEL = 1;

/**
 * gzip responses above 1 KiB for clients that accept it. Below the threshold the headers and CPU
 * cost more than the bytes saved, so small bodies go out as they are.
 */
export function createUsersApp(options: { compress: boolean; level?: number; users?: User[] }): Express {
  const users = options.users ?? sampleUsers(1000).map(toPublicUser);
  const app = express();
  if (options.compress) app.use(compression({ threshold: 1024, level: options.level ?? GZIP_LEVEL }));
  app.get('/users', (_req, res) => {
    res.json(users);
  });
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
// #endregion compression
