import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSequelize } from '../test/sequelize.js';
import { createArticleApp } from './optimistic-http.js';
import { type Articles, defineArticles } from './optimistic-locking.js';

const database = useTestDatabase('optimistic-http');
let sequelize: Sequelize;
let articles: Articles;

beforeAll(async () => {
  sequelize = testSequelize(database.url, 4);
  articles = defineArticles(sequelize);
  await articles.sync();
});
afterAll(async () => {
  await sequelize?.close();
});

const app = () => createArticleApp(articles);
const create = async () => (await articles.create({ title: 'Node concurrency', tags: [] })).id;

describe('GET /articles/:id', () => {
  it('answers the article with its version, and 404 for an unknown one', async () => {
    const id = await create();
    const found = await request(app()).get(`/articles/${id}`);
    expect([found.status, found.body]).toEqual([200, { id, title: 'Node concurrency', tags: [], version: 0 }]);
    const missing = await request(app()).get('/articles/999999');
    expect([missing.status, missing.body]).toEqual([404, { error: 'not_found' }]);
  });
});

describe('PATCH /articles/:id', () => {
  it('changes only the article named, at the version sent', async () => {
    const [id, other] = [await create(), await create()];
    expect((await request(app()).patch(`/articles/${id}`).send({ title: 'Edited', version: 0 })).status).toBe(200);
    expect((await articles.findByPk(other))?.toJSON()).toMatchObject({ title: 'Node concurrency', version: 0 });
  });

  it('answers 400 naming the field for every malformed id, version or title, and changes nothing', async () => {
    const id = await create();
    const patch = (path: string, body: object) => request(app()).patch(path).send(body);
    for (const bad of ['12abc', 'abc12', '1234567890']) {
      expect((await patch(`/articles/${bad}`, { title: 'x', version: 0 })).body).toEqual({
        error: 'invalid_request',
        field: 'id',
        message: 'id must be a positive integer',
      });
    }
    for (const version of ['0', 1.5, -1]) {
      expect((await patch(`/articles/${id}`, { title: 'x', version })).body).toEqual({
        error: 'invalid_request',
        field: 'version',
        message: 'version must be a non-negative integer',
      });
    }
    for (const title of [42, '   ', 'x'.repeat(201)]) {
      expect((await patch(`/articles/${id}`, { title, version: 0 })).body).toEqual({
        error: 'invalid_request',
        field: 'title',
        message: 'title must be a non-empty string of at most 200 characters',
      });
    }
    const badJson = await request(app()).patch(`/articles/${id}`).set('content-type', 'application/json').send('{');
    expect([badJson.status, badJson.body]).toEqual([
      400,
      { error: 'invalid_json', field: 'body', message: 'body must be JSON' },
    ]);
    expect((await articles.findByPk(id))?.version).toBe(0);
    expect((await patch(`/articles/${id}`, { title: 'x'.repeat(200), version: 0 })).status).toBe(200);
  });

  it('answers 413 to a body over 10 kB, not a 500', async () => {
    const id = await create();
    const res = await request(app())
      .patch(`/articles/${id}`)
      .send({ title: 'x', version: 0, pad: 'x'.repeat(20_000) });
    expect([res.status, res.body.error]).toEqual([413, 'invalid_body']);
  });
});
