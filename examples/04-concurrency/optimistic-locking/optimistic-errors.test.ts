import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSequelize } from '../test/sequelize.js';
import {
  type Articles,
  addTagChecked,
  addTagVersioned,
  defineArticles,
  defineVersionedArticles,
  unsafeAddTag,
} from './optimistic-locking.js';

const database = useTestDatabase('optimistic-errors');
let sequelize: Sequelize;
let articles: Articles;
let versioned: Articles;

beforeAll(async () => {
  sequelize = testSequelize(database.url, 4);
  articles = defineArticles(sequelize);
  versioned = defineVersionedArticles(sequelize);
  await articles.sync();
});
afterAll(async () => {
  await sequelize?.close();
});

describe('the articles table', () => {
  it('starts an article with no tags at version 0, and refuses one without a title', async () => {
    const created = await articles.create({ title: 'fresh' } as { title: string; tags: string[] });
    expect((await articles.findByPk(created.id))?.toJSON()).toEqual({
      id: created.id,
      title: 'fresh',
      tags: [],
      version: 0,
    });
    await expect(articles.create({ title: null, tags: [] } as never)).rejects.toThrow(/title cannot be null/);
  });
});

describe('an edit of an article that is not there', () => {
  it('is refused by every edit, naming the article', async () => {
    for (const edit of [() => unsafeAddTag(articles, 999_999, 'x'), () => addTagChecked(articles, 999_999, 'x')]) {
      await expect(edit()).rejects.toThrow('article 999999 does not exist');
    }
    const refusal = await addTagVersioned(versioned, 999_999, 'x').catch((error: unknown) => error);
    expect(String(refusal)).toBe('ArticleNotFoundError: article 999999 does not exist');
  });
});

describe('a lost version race', () => {
  it('says which article and which version, and the unsafe edit touches only its own row', async () => {
    const [{ id }, other] = [
      await articles.create({ title: 'a', tags: [] }),
      await articles.create({ title: 'b', tags: [] }),
    ];
    const stale = addTagChecked(articles, id, 'late', async () => {
      await addTagChecked(articles, id, 'first'); // someone else edits between our read and write
    });
    const refusal = await stale.catch((error: unknown) => error);
    expect(String(refusal)).toBe(
      `VersionConflictError: article ${id} is no longer at version 0: someone else changed it`,
    );
    await unsafeAddTag(articles, id, 'unsafe');
    expect((await articles.findByPk(other.id))?.tags).toEqual([]);
  });
});
