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
    expect(toResponse(users).every((user) => user.posts.length === 0)).toBe(true);
  });

  it('eager loading with include sends 1 query; separate: true sends 2', async () => {
    const joined = await countQueries(usersWithPosts);
    const separate = await countQueries(usersWithPostsSeparate);
    expect([joined.queries, separate.queries]).toEqual([1, 2]);
    const response = toResponse(joined.result);
    expect(response).toHaveLength(100);
    expect(response.every((user) => user.posts.length === 20)).toBe(true);
    expect(toResponse(separate.result)).toEqual(response);
    // Newest first; the seed writes user 1's posts a minute apart, post 20 last.
    expect(response[0]?.name).toBe('user 1');
    expect(response[0]?.posts[0]).toEqual({ id: expect.any(Number), title: 'post 20 of user 1' });
    expect(new Set(response.flatMap((user) => user.posts.map((post) => post.id))).size).toBe(2000);
  });

  it('every loader lists users by id, also after an update moves a row to the end of the table', async () => {
    // Without ORDER BY, Postgres returns rows as they lie in the table, where an UPDATE writes a new version.
    await sequelize.query(`UPDATE users SET name = name WHERE id = 1`);
    const [[unordered]] = (await sequelize.query('SELECT id FROM users LIMIT 1')) as [{ id: number }[], unknown];
    expect(unordered?.id).not.toBe(1); // the premise: the table order is no longer the id order
    const ids = Array.from({ length: 100 }, (_, i) => i + 1);
    for (const load of [naiveUsersWithPosts, usersWithPosts, usersWithPostsSeparate]) {
      expect((await load()).map((user) => user.id)).toEqual(ids);
    }
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
