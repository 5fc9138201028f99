import type { Sequelize } from 'sequelize';
import { BlogPost, BlogUser, defineBlogModels } from './models.js';

/** Creates the tables (no secondary indexes: that is the migration's job) and `users` × `postsEach` rows. */
export async function seedBlog(sequelize: Sequelize, users: number, postsEach: number): Promise<void> {
  defineBlogModels(sequelize);
  await sequelize.sync({ force: true });
  const created = await BlogUser.bulkCreate(
    Array.from({ length: users }, (_, i) => ({ name: `user ${i + 1}`, email: `user${i + 1}@example.com` })),
  );
  const start = Date.UTC(2024, 0, 1);
  await BlogPost.bulkCreate(
    created.flatMap((user) =>
      Array.from({ length: postsEach }, (_, j) => ({
        userId: user.id,
        title: `post ${j + 1} of ${user.name}`,
        createdAt: new Date(start + j * 60_000),
      })),
    ),
  );
  await sequelize.query('ANALYZE users; ANALYZE posts');
}
