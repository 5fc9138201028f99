import compression from 'compression';
import express, { type Express } from 'express';
import { sampleUsers } from '../users/sample-users.js';
import { toPublicUser, type User } from '../users/user.js';

// #region compression
/**
 * gzip responses above 1 KiB for clients that accept it. Below the threshold the headers and CPU
 * cost more than the bytes saved, so small bodies go out as they are.
 */
export function createUsersApp(options: { compress: boolean; users?: User[] }): Express {
  const users = options.users ?? sampleUsers(1000).map(toPublicUser);
  const app = express();
  if (options.compress) app.use(compression({ threshold: 1024, level: 6 }));
  app.get('/users', (_req, res) => {
    res.json(users);
  });
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
// #endregion compression
