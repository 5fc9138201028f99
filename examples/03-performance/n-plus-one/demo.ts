import { recipe } from '@cookbook/shared';
import { Sequelize } from 'sequelize';
import { down, up } from '../blog/migration.js';
import { seedBlog } from '../blog/seed.js';
import { naiveUsersWithPosts, usersWithPosts, usersWithPostsSeparate } from './n-plus-one.js';

const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;

export const nPlusOneDemo = recipe({
  services: ['postgres'],
  title: '100 users with 20 posts each, loaded three ways',
  lookFor: '101 queries become 1 (or 2), and the scan becomes an index scan.',
  async run({ scratchDatabase, defer, log }) {
    let queries = 0;
    const sequelize = new Sequelize(await scratchDatabase('performance_n_plus_one'), {
      logging: () => queries++,
      pool: { max: 3 },
    });
    defer(() => sequelize.close());
    await seedBlog(sequelize, 100, 20);
    for (const [name, load] of [
      ['loop (seed)', naiveUsersWithPosts],
      ['include', usersWithPosts],
      ['include separate', usersWithPostsSeparate],
    ] as const) {
      queries = 0;
      const started = performance.now();
      await load();
      log(`${name.padEnd(17)} ${String(queries).padStart(3)} queries ${ms(performance.now() - started)}`);
    }
    const plan = async () => {
      const [rows] = await sequelize.query(`EXPLAIN SELECT * FROM posts WHERE "userId" = 42 ORDER BY "createdAt" DESC`);
      const lines = (rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']);
      const scan = lines.find((line) => /Index/.test(line)) ?? lines.find((line) => /Scan/.test(line));
      return scan?.replace(/^[\s>-]+/, '');
    };
    log(`plan before the migration: ${await plan()}`);
    await up(sequelize.getQueryInterface());
    await sequelize.query('ANALYZE posts');
    log(`plan after the migration:  ${await plan()}`);
    await down(sequelize.getQueryInterface());
  },
});
