import { describe, expect, it } from 'vitest';
import { barrier } from '../test/barrier.js';
import { addTagVersioned, VersionConflictError } from './optimistic-locking.js';
import { retryOnConflict } from './optimistic-retry.js';
import { useArticles } from './test/articles.js';

const db = useArticles('optimistic-retry');

describe('retryOnConflict', () => {
  it('gives up after its attempts: a conflict that never clears goes to the caller, not round forever', async () => {
    let attempts = 0;
    const alwaysStale = async () => {
      attempts++;
      throw new VersionConflictError(1, attempts);
    };
    await expect(retryOnConflict(alwaysStale, 3, 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(attempts).toBe(3);
  });

  it("retries Sequelize's OptimisticLockError too: both version: true edits are kept", async () => {
    const { id } = await db.articles.create({ title: 'versioned', tags: [] });
    const bothRead = barrier(2);
    await Promise.all(
      ['node', 'postgres'].map((tag) => retryOnConflict(() => addTagVersioned(db.versioned, id, tag, bothRead))),
    );
    const article = await db.articles.findByPk(id);
    expect(article?.tags.sort()).toEqual(['node', 'postgres']);
    expect(article?.version).toBe(2);
  });
});
