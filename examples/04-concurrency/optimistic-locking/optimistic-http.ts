import express, { type NextFunction, type Request, type Response } from 'express';
import type { Articles } from './optimistic-locking.js';

class BadRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function nonNegativeInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new BadRequestError(field, `${field} must be a non-negative integer`);
  }
  return value;
}

/** Route params are strings; only plain digits count as an id. */
function articleId(raw: string | string[] | undefined): number {
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw))
    throw new BadRequestError('id', 'id must be a positive integer');
  return Number(raw);
}

function nonEmptyTitle(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new BadRequestError('title', 'title must be a non-empty string of at most 200 characters');
  }
  return value;
}

// #region http
/**
 * PATCH /articles/:id with `{ title, version }`: the client sends the version it read, and a
 * stale one gets 409 with the current version, so it can re-read, re-apply and try again.
 */
export function createArticleApp(articles: Articles): express.Express {
  const app = express();
  app.use(express.json({ limit: '10kb' }));
  // Only the body parser's refusals reach this handler (the routes come after it): malformed JSON,
  // a body over the limit (413), an unknown charset (415). Each is the client's fault, never a 500.
  app.use((error: Error & { status: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SyntaxError)
      return void res.status(400).json({ error: 'invalid_json', field: 'body', message: 'body must be JSON' });
    res.status(error.status).json({ error: 'invalid_body', field: 'body', message: error.message });
  });

  app.get('/articles/:id', async (req, res) => {
    const article = await articles.findByPk(articleId(req.params.id));
    if (!article) return void res.status(404).json({ error: 'not_found' });
    res.json(article.toJSON());
  });

  app.patch('/articles/:id', async (req, res) => {
    const id = articleId(req.params.id);
    const body: Record<string, unknown> = req.body ?? {};
    const title = nonEmptyTitle(body.title);
    const version = nonNegativeInteger(body.version, 'version');
    const [updated] = await articles.update({ title, version: version + 1 }, { where: { id, version } });
    if (updated === 1) return void res.json({ id, title, version: version + 1 });
    const current = await articles.findByPk(id);
    if (!current) return void res.status(404).json({ error: 'not_found' });
    res.status(409).json({
      error: 'version_conflict',
      message: `Article ${id} changed since you read version ${version}. GET it again, re-apply your edit and send version ${current.version}.`,
      currentVersion: current.version,
    });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof BadRequestError)
      return void res.status(400).json({ error: 'invalid_request', field: error.field, message: error.message });
    console.error(error);
    res.status(500).json({ error: 'internal' });
  });
  return app;
}
// #endregion http
