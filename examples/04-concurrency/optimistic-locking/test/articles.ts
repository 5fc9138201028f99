import { useTestDatabase } from '@cookbook/shared/testing';
import type { Sequelize } from 'sequelize';
import { afterAll, beforeAll } from 'vitest';
import { testSequelize } from '../../test/sequelize.js';
import { type Articles, defineArticles, defineVersionedArticles } from '../optimistic-locking.js';

export interface ArticleModels {
  /** The articles table, with no version check of Sequelize's own. */
  readonly articles: Articles;
  /** The same table, with Sequelize's `version: true`. */
  readonly versioned: Articles;
}

/** A scratch database with the articles table and both models over it, for one test file. */
export function useArticles(label: string): ArticleModels {
  const database = useTestDatabase(label);
  let opened: { sequelize: Sequelize; articles: Articles; versioned: Articles } | undefined;
  const models = () => {
    if (!opened) throw new Error('useArticles() models exist only inside hooks and tests');
    return opened;
  };
  beforeAll(async () => {
    const sequelize = testSequelize(database.url, 4);
    opened = { sequelize, articles: defineArticles(sequelize), versioned: defineVersionedArticles(sequelize) };
    await opened.articles.sync();
  });
  afterAll(async () => {
    await opened?.sequelize.close();
  });
  return {
    get articles() {
      return models().articles;
    },
    get versioned() {
      return models().versioned;
    },
  };
}
