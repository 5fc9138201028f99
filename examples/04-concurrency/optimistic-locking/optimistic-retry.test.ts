import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { barrier } from '../test/barrier.js';
import { testSequelize } from '../test/sequelize.js';
import {
  type Articles,
  addTagVersioned,
  defineArticles,
  defineVersionedArticles,
  VersionConflictError,
} from './optimistic-locking.js';
import { retryOnConflict } from './optimistic-retry.js';

const database = useTestDatabase('optimistic-retry');
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
    const { id } = await articles.create({ title: 'versioned', tags: [] });
    const bothRead = barrier(2);
    await Promise.all(
      ['node', 'postgres'].map((tag) => retryOnConflict(() => addTagVersioned(versioned, id, tag, bothRead))),
    );
    const article = await articles.findByPk(id);
    expect(article?.tags.sort()).toEqual(['node', 'postgres']);
    expect(article?.version).toBe(2);
  });
});
