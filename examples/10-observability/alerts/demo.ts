import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recipe } from '@cookbook/shared';

export const alertsDemo = recipe({
  services: [],
  title: 'Alert rules, checked and unit-tested by promtool',
  lookFor: 'five rules found, and every alert firing and resolving as its test expects',
  async run({ log }) {
    const here = fileURLToPath(new URL('.', import.meta.url));
    for (const args of [
      ['check', 'rules', 'alerts.rules.yml'],
      ['test', 'rules', 'alerts.test.yml'],
    ]) {
      log(`$ promtool ${args.join(' ')}`);
      const run = spawnSync('promtool', args, { cwd: here, encoding: 'utf8' });
      if (run.error)
        throw new Error(`promtool did not run (${run.error.message}); install it: apt-get install prometheus`);
      for (const line of `${run.stdout}${run.stderr}`.trim().split('\n')) log(`  ${line}`);
      if (run.status !== 0) throw new Error(`promtool ${args[0]} failed`);
    }
  },
});
