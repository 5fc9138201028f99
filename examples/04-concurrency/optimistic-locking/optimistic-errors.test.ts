import { describe, expect, it } from 'vitest';
import { addTagChecked, addTagVersioned, unsafeAddTag } from './optimistic-locking.js';
import { useArticles } from './test/articles.js';

const db = useArticles('optimistic-errors');

describe('the articles table', () => {
  it('starts an article with no tags at version 0, and refuses one without a title', async () => {
    const created = await db.articles.create({ title: 'fresh' } as { title: string; tags: string[] });
    expect((await db.articles.findByPk(created.id))?.toJSON()).toEqual({
      id: created.id,
      title: 'fresh',
      tags: [],
      version: 0,
    });
    await expect(db.articles.create({ title: null, tags: [] } as never)).rejects.toThrow(/title cannot be null/);
  });
});

describe('an edit of an article that is not there', () => {
  it('is refused by every edit, naming the article', async () => {
    for (const edit of [
      () => unsafeAddTag(db.articles, 999_999, 'x'),
      () => addTagChecked(db.articles, 999_999, 'x'),
    ]) {
      await expect(edit()).rejects.toThrow('article 999999 does not exist');
    }
    const refusal = await addTagVersioned(db.versioned, 999_999, 'x').catch((error: unknown) => error);
    expect(String(refusal)).toBe('ArticleNotFoundError: article 999999 does not exist');
  });
});

describe('a lost version race', () => {
  it('says which article and which version, and the unsafe edit touches only its own row', async () => {
    const [{ id }, other] = [
      await db.articles.create({ title: 'a', tags: [] }),
      await db.articles.create({ title: 'b', tags: [] }),
    ];
    const stale = addTagChecked(db.articles, id, 'late', async () => {
      await addTagChecked(db.articles, id, 'first'); // someone else edits between our read and write
    });
    const refusal = await stale.catch((error: unknown) => error);
    expect(String(refusal)).toBe(
      `VersionConflictError: article ${id} is no longer at version 0: someone else changed it`,
    );
    await unsafeAddTag(db.articles, id, 'unsafe');
    expect((await db.articles.findByPk(other.id))?.tags).toEqual([]);
  });
});
