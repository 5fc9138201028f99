// 'SELECT 1' answered by a new connection each time vs a pooled one: the handshake is the cost.
import { markdownTable, ratio, reportBench } from '@cookbook/shared/bench';
import { Bench } from 'tinybench';
import { createPool, queryWithNewClient } from '../pooling/pooling.js';
import { withBenchServices } from './services.js';
import { opsPerSecond } from './stats.js';

await withBenchServices(async ({ databaseUrl }) => {
  const pool = createPool(databaseUrl, 4);
  try {
    const bench = new Bench({ time: 1500, iterations: 20, warmup: true });
    bench
      .add('new Client per query', () => queryWithNewClient(databaseUrl, 'SELECT 1'))
      .add('pg.Pool', () => pool.query('SELECT 1'));
    await bench.run();
    const hz = (name: string) => opsPerSecond(bench, name);
    const perClient = hz('new Client per query');
    reportBench(
      'pooling',
      markdownTable(
        ['SELECT 1, sequential', 'queries/s', 'vs new Client'],
        bench.tasks.map((task) => [task.name, Math.round(hz(task.name)), ratio(hz(task.name), perClient)]),
      ),
    );
  } finally {
    await pool.end();
  }
});
