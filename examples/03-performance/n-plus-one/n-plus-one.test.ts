import { useTestDatabase } from '@cookbook/shared/testing';
import { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { down, up } from '../blog/migration.js';
import { seedBlog } from '../blog/seed.js';
import { naiveUsersWithPosts, toResponse, usersWithPosts, usersWithPostsSeparate } from './n-plus-one.js';

const database = useTestDatabase('n_plus_one');
let sequelize: Sequelize;
let queries = 0;

beforeAll(async () => {
  sequelize = new Sequelize(database.url, { logging: () => queries++, pool: { max: 3 } });
  await seedBlog(sequelize, 100, 20);
});
afterAll(() => sequelize.close());

/** Runs `work` and returns how many SQL statements it sent. */
async function countQueries<T>(work: () => Promise<T>): Promise<{ result: T; queries: number }> {
  const before = queries;
  const result = await work();
  return { result, queries: queries - before };
}

describe('n-plus-one', () => {
  // #region naive-queries
  it('❌ seed: the loop sends 1 + N queries (101 for 100 users)', async () => {
    const { queries } = await countQueries(naiveUsersWithPosts);
    expect(queries).toBe(101);
  });
  // #endregion naive-queries

  it('❌ seed: the posts it assigns vanish when the users are serialized', async () => {
    const users = await naiveUsersWithPosts();
    expect(users[0]?.posts).toHaveLength(20); // there in memory...
    expect(JSON.parse(JSON.stringify(users))[0].posts).toBeUndefined(); // ...gone from the response
  });

  it('eager loading with include sends 1 query; separate: true sends 2', async () => {
    const joined = await countQueries(usersWithPosts);
    const separate = await countQueries(usersWithPostsSeparate);
    expect([joined.queries, separate.queries]).toEqual([1, 2]);
    const response = toResponse(joined.result);
    expect(response).toHaveLength(100);
    expect(response.every((user) => user.posts.length === 20)).toBe(true);
    expect(toResponse(separate.result)).toEqual(response);
  });

  it('the migration makes the posts-by-user lookup use the index instead of a scan', async () => {
    const plan = async () => {
      const [rows] = await sequelize.query(`EXPLAIN SELECT * FROM posts WHERE "userId" = 42 ORDER BY "createdAt" DESC`);
      return (rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n');
    };
    expect(await plan()).toMatch(/Seq Scan on posts/);
    await up(sequelize.getQueryInterface());
    await sequelize.query('ANALYZE posts');
    const indexed = await plan();
    expect(indexed).toMatch(/posts_user_id_created_at_idx/);
    expect(indexed).not.toMatch(/Seq Scan/);
    await down(sequelize.getQueryInterface());
  });

  it('the unique email index rejects a duplicate', async () => {
    await up(sequelize.getQueryInterface());
    try {
      const insert = sequelize.query(`INSERT INTO users (name, email) VALUES ('again', 'user1@example.com')`);
      await expect(insert).rejects.toMatchObject({ name: 'SequelizeUniqueConstraintError' });
    } finally {
      await down(sequelize.getQueryInterface());
    }
  });
});
