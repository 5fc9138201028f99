import { createScratchDatabase, deleteRedisPrefix, redisPrefix, resolveServices } from '@cookbook/shared';
import { markdownTable, median, ratio, reportBench } from '@cookbook/shared/bench';
import { Redis } from 'ioredis';
import { QueryTypes, Sequelize } from 'sequelize';
import { addTagChecked, defineArticles } from '../optimistic-locking/optimistic-locking.js';
import { retryOnConflict } from '../optimistic-locking/optimistic-retry.js';
import { atomicIncrement, naiveIncrement } from '../redis-atomic/redis-atomic.js';
import { withLock } from '../redis-lock/redis-lock.js';

// What each guard costs under full contention: OPS concurrent updates of ONE value, from one process.
const OPS = 100;
const ROUNDS = 5; // plus one warm-up round, not counted

const services = await resolveServices(['postgres', 'redis']);
const redis = new Redis(services.redisUrl);
const prefix = redisPrefix('bench-concurrency');
const database = await createScratchDatabase(services.databaseUrl, 'concurrency-bench');
const sequelize = new Sequelize(database.url, { logging: false, pool: { max: 8 } });
const articles = defineArticles(sequelize);

type Variant = (round: number) => Promise<number>; // returns how many of the OPS updates survived
const many = (work: (i: number) => Promise<unknown>) => Promise.all(Array.from({ length: OPS }, (_, i) => work(i)));
const counterOf = async (key: string) => Number(await redis.get(key));

const variants: Record<string, Variant> = {
  'Redis GET then SET (unsafe)': async (round) => {
    await many(() => naiveIncrement(redis, `${prefix}naive:${round}`));
    return counterOf(`${prefix}naive:${round}`);
  },
  'Redis INCR': async (round) => {
    await many(() => atomicIncrement(redis, `${prefix}incr:${round}`));
    return counterOf(`${prefix}incr:${round}`);
  },
  'GET then SET under a Redis lock': async (round) => {
    const key = `${prefix}locked:${round}`;
    await many(() =>
      withLock(
        redis,
        `${key}:lock`,
        async () => {
          await redis.set(key, String(Number((await redis.get(key)) ?? 0) + 1));
        },
        { waitMs: 120_000, retryMs: 5 },
      ),
    );
    return counterOf(key);
  },
  'Postgres UPDATE n = n + 1 (row lock)': async (round) => {
    await sequelize.query('INSERT INTO counters VALUES (:round, 0)', { replacements: { round } });
    await many(() => sequelize.query('UPDATE counters SET n = n + 1 WHERE id = :round', { replacements: { round } }));
    const row = await sequelize.query<{ n: number }>('SELECT n FROM counters WHERE id = :round', {
      replacements: { round },
      type: QueryTypes.SELECT,
      plain: true,
    });
    return Number(row?.n ?? 0);
  },
  'Postgres version check + retry': async () => {
    const { id } = await articles.create({ title: 'bench', tags: [] });
    await many((i) => retryOnConflict(() => addTagChecked(articles, id, `t${i}`), 1_000, 2));
    return (await articles.findByPk(id))?.tags.length ?? 0;
  },
};

async function measure() {
  await articles.sync();
  await sequelize.query('CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)');
  const timings = new Map<string, { ms: number[]; kept: number[] }>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of Object.entries(variants)) {
      const started = performance.now();
      const kept = await run(round);
      if (round === 0) continue;
      const entry = timings.get(name) ?? { ms: [], kept: [] };
      entry.ms.push(performance.now() - started);
      entry.kept.push(kept);
      timings.set(name, entry);
    }
  }
  return timings;
}

function report(timings: Map<string, { ms: number[]; kept: number[] }>) {
  const incrMs = median(timings.get('Redis INCR')?.ms ?? [1]);
  const rows = [...timings].map(([name, { ms, kept }]) => [
    name,
    `${Math.min(...kept)} of ${OPS}`,
    Math.round((OPS / median(ms)) * 1000),
    ratio(median(ms), incrMs),
  ]);
  reportBench(
    'guards',
    `${OPS} concurrent updates of one value from one process, median of ${ROUNDS} rounds:\n\n` +
      markdownTable(['guard', 'updates kept (worst round)', 'updates/s', 'time vs INCR'], rows, 0),
  );
}

try {
  const timings = await measure();
  report(timings);
} finally {
  await sequelize.close();
  await deleteRedisPrefix(redis, prefix);
  await redis.quit();
  await database.drop();
  await services.stop();
}
