import { OptimisticLockError } from 'sequelize';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { barrier } from '../test/barrier.js';
import { createArticleApp } from './optimistic-http.js';
import {
  type Articles,
  addTagChecked,
  addTagVersioned,
  unsafeAddTag,
  VersionConflictError,
} from './optimistic-locking.js';
import { retryOnConflict } from './optimistic-retry.js';
import { useArticles } from './test/articles.js';

const db = useArticles('optimistic-locking');
let id: number;
beforeEach(async () => {
  id = (await db.articles.create({ title: 'Node concurrency', tags: [] })).id;
});

const tagsOf = async () => (await db.articles.findByPk(id))?.tags.sort();

type AddTag = (articles: Articles, id: number, tag: string, pause: () => Promise<void>) => Promise<void>;
/** Two editors both read the article before either writes, then each adds a tag. */
function twoEditors(addTag: AddTag, model: Articles = db.articles) {
  const bothRead = barrier(2);
  return Promise.allSettled([addTag(model, id, 'node', bothRead), addTag(model, id, 'postgres', bothRead)]);
}

describe('two concurrent edits of the same row', () => {
  // #region lost-edit
  it('without a version check, both "succeed" and one tag is lost', async () => {
    const outcomes = await twoEditors(unsafeAddTag);
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    expect(await tagsOf()).toHaveLength(1);
  });
  // #endregion lost-edit

  it('with the manual version check, exactly one wins and the other gets a conflict', async () => {
    const outcomes = await twoEditors(addTagChecked);
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toBeInstanceOf(VersionConflictError);
    expect(await tagsOf()).toHaveLength(1);
  });

  it("with Sequelize's version: true, exactly one wins and the other gets OptimisticLockError", async () => {
    const outcomes = await twoEditors(addTagVersioned, db.versioned);
    const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toBeInstanceOf(OptimisticLockError);
    expect((await db.articles.findByPk(id))?.version).toBe(1);
  });

  it('retrying the loser (re-read, re-apply) keeps both edits', async () => {
    const bothRead = barrier(2);
    await Promise.all(
      ['node', 'postgres'].map((tag) => retryOnConflict(() => addTagChecked(db.articles, id, tag, bothRead))),
    );
    expect(await tagsOf()).toEqual(['node', 'postgres']);
    expect((await db.articles.findByPk(id))?.version).toBe(2);
  });

  it('under 20 concurrent editors, retries keep all 20 tags where the unsafe edit keeps few', async () => {
    const tags = Array.from({ length: 20 }, (_, i) => `tag-${i}`);
    await Promise.all(tags.map((tag) => unsafeAddTag(db.articles, id, tag)));
    const unsafeKept = (await tagsOf())?.length ?? 0;
    id = (await db.articles.create({ title: 'fresh', tags: [] })).id;
    await Promise.all(tags.map((tag) => retryOnConflict(() => addTagChecked(db.articles, id, tag), 50)));
    expect(unsafeKept).toBeLessThan(20);
    expect(await tagsOf()).toHaveLength(20);
  });
});

describe('retryOnConflict', () => {
  it('backs off between retries: 20 editors need far fewer attempts than with no wait at all', async () => {
    const attemptsFor = async (baseDelayMs: number) => {
      const { id: fresh } = await db.articles.create({ title: 'crowd', tags: [] });
      let attempts = 0;
      const edit = (tag: string) => () => {
        attempts++;
        return addTagChecked(db.articles, fresh, tag);
      };
      await Promise.all(Array.from({ length: 20 }, (_, i) => retryOnConflict(edit(`t${i}`), 100, baseDelayMs)));
      return attempts;
    };
    const withBackoff = await attemptsFor(10);
    const lockstep = await attemptsFor(0);
    // Measured here: about 70 against 140. Every loser re-reads at once without a wait, and collides again.
    expect(withBackoff).toBeLessThan(lockstep * 0.8);
  });

  it('retries only a version conflict: any other error goes to the caller at once', async () => {
    let attempts = 0;
    const broken = async () => {
      attempts++;
      throw new Error('connection lost');
    };
    await expect(retryOnConflict(broken, 5, 0)).rejects.toThrow('connection lost');
    expect(attempts).toBe(1);
  });
});

describe('PATCH /articles/:id', () => {
  it('answers 409 with the current version to the editor who sent a stale one', async () => {
    const app = createArticleApp(db.articles);
    const first = await request(app).patch(`/articles/${id}`).send({ title: 'First', version: 0 });
    expect(first.status).toBe(200);
    const stale = await request(app).patch(`/articles/${id}`).send({ title: 'Second', version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'version_conflict', currentVersion: 1 });
    expect(stale.body.message).toMatch(/send version 1/);
    const retried = await request(app).patch(`/articles/${id}`).send({ title: 'Second', version: 1 });
    expect(retried.body).toEqual({ id, title: 'Second', version: 2 });
  });

  it('answers 400 naming the field on bad input, and 404 for an unknown article', async () => {
    const app = createArticleApp(db.articles);
    const noVersion = await request(app).patch(`/articles/${id}`).send({ title: 'x' });
    expect(noVersion.status).toBe(400);
    expect(noVersion.body.field).toBe('version');
    const badTitle = await request(app).patch(`/articles/${id}`).send({ title: '', version: 0 });
    expect(badTitle.body.field).toBe('title');
    const badJson = await request(app).patch(`/articles/${id}`).set('content-type', 'application/json').send('{');
    expect(badJson.status).toBe(400);
    const badId = await request(app).get('/articles/abc');
    expect(badId.body.field).toBe('id');
    expect((await request(app).patch('/articles/999999').send({ title: 'x', version: 0 })).status).toBe(404);
  });
});
