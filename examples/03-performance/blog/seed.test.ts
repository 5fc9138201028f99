import { useTestDatabase } from '@cookbook/shared/testing';
import { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBlogModels } from './models.js';
import { seedBlog } from './seed.js';

const database = useTestDatabase('blog_seed');
let sequelize: Sequelize;

beforeAll(async () => {
  sequelize = new Sequelize(database.url, { logging: false, pool: { max: 2 } });
  await seedBlog(sequelize, 3, 2);
  await seedBlog(sequelize, 5, 4); // a second seed starts over: demos and tests reseed at will
});
afterAll(() => sequelize.close());

async function rows<T>(sql: string): Promise<T[]> {
  const [result] = await sequelize.query(sql);
  return result as T[];
}

describe('blog seed', () => {
  it('leaves exactly users × postsEach rows after reseeding, each user numbered from 1 and named by its id', async () => {
    const { User, Post } = defineBlogModels(sequelize);
    expect([await User.count(), await Post.count()]).toEqual([5, 20]);
    const users = await User.findAll({ order: [['id', 'ASC']] });
    expect(users.map((user) => user.id)).toEqual([1, 2, 3, 4, 5]);
    // Tests look users up by these: the unique-email test inserts user 1's address again.
    for (const user of users) {
      expect([user.name, user.email]).toEqual([`user ${user.id}`, `user${user.id}@example.com`]);
    }
  });

  it('creates the columns the models name, each required one NOT NULL, no updatedAt on posts', async () => {
    const queryInterface = sequelize.getQueryInterface();
    const users = await queryInterface.describeTable('users');
    const posts = await queryInterface.describeTable('posts');
    expect(Object.keys(users).sort()).toEqual(['email', 'id', 'name']);
    expect(Object.keys(posts).sort()).toEqual(['createdAt', 'id', 'title', 'userId']);
    expect([users.name?.allowNull, users.email?.allowNull, posts.title?.allowNull]).toEqual([false, false, false]);
  });

  it("gives each user's posts distinct times, so newest first is one order", async () => {
    const perUser = await rows<{ times: number }>(
      `SELECT count(DISTINCT "createdAt")::int AS times FROM posts GROUP BY "userId"`,
    );
    expect(perUser.map((user) => user.times)).toEqual([4, 4, 4, 4, 4]);
  });

  it('analyzes the tables, so the planner knows their sizes before any query', async () => {
    // reltuples is -1 until a table is first analyzed; the seed's ANALYZE sets it to the row count.
    const sizes = await rows<{ relname: string; reltuples: number }>(
      `SELECT relname, reltuples::int AS reltuples FROM pg_class WHERE relname IN ('users', 'posts') ORDER BY relname`,
    );
    expect(sizes).toEqual([
      { relname: 'posts', reltuples: 20 },
      { relname: 'users', reltuples: 5 },
    ]);
  });
});
