// Loading 100 users with 20 posts each: the seed's loop vs eager loading, on the same data.
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { Sequelize } from 'sequelize';
import { Bench } from 'tinybench';
import { up } from '../blog/migration.js';
import { seedBlog } from '../blog/seed.js';
import { naiveUsersWithPosts, usersWithPosts, usersWithPostsSeparate } from '../n-plus-one/n-plus-one.js';
import { withBenchServices } from './services.js';
import { meanMs } from './stats.js';

await withBenchServices(async ({ databaseUrl }) => {
  let queries = 0;
  const sequelize = new Sequelize(databaseUrl, { logging: () => queries++, pool: { max: 3 } });
  try {
    await seedBlog(sequelize, 100, 20);
    await up(sequelize.getQueryInterface()); // indexed, so the loop is not also paying for scans
    const loaders = [
      ['loop: 1 + N queries (seed)', naiveUsersWithPosts],
      ['include (one JOIN)', usersWithPosts],
      ['include, separate: true', usersWithPostsSeparate],
    ] as const;
    const perCall = new Map<string, number>();
    for (const [name, load] of loaders) {
      queries = 0;
      await load();
      perCall.set(name, queries);
    }
    const bench = new Bench({ time: 1500, iterations: 5, warmup: true });
    for (const [name, load] of loaders) bench.add(name, () => load());
    await bench.run();
    const mean = (name: string) => meanMs(bench, name);
    const naive = mean(loaders[0][0]);
    reportBench(
      'n-plus-one',
      markdownTable(
        ['100 users × 20 posts', 'queries', 'mean (ms)', 'speed-up vs loop'],
        loaders.map(([name]) => [name, perCall.get(name) ?? 0, mean(name), ratio(naive, mean(name))]),
      ),
    );
  } finally {
    await sequelize.close();
  }
});
