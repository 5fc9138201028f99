import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const RULES = join(here, 'alerts.rules.yml');
const TESTS = join(here, 'alerts.test.yml');

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: here, encoding: 'utf8' });
  if (run.error) throw new Error(`promtool did not run (${run.error.message}); install it: apt-get install prometheus`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Runs the unit tests against a copy of the rules with one change made. */
function testMutated(from: string, to: string): { status: number | null; output: string } {
  const rules = readFileSync(RULES, 'utf8');
  expect(rules, `the rules contain ${from}`).toContain(from);
  const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
  try {
    writeFileSync(join(dir, 'alerts.rules.yml'), rules.replace(from, to));
    copyFileSync(TESTS, join(dir, 'alerts.test.yml'));
    const run = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: dir, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('alert rules', () => {
  // #region promtool
  it('are valid Prometheus rules', () => {
    const check = promtool('check', 'rules', RULES);
    expect(check.output).toContain('SUCCESS: 5 rules found');
    expect(check.status).toBe(0);
  });

  it('fire and resolve as their unit tests expect', () => {
    const test = promtool('test', 'rules', TESTS);
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });
  // #endregion promtool

  // A rule whose unit test passes whatever the rule says proves nothing: change each, watch it fail.
  it.each([
    ['error ratio threshold', '> 0.05', '> 0.5'],
    ['p99 threshold', '    > 0.5\n', '    > 1\n'],
    ['event-loop threshold', 'lag_p99_seconds > 0.1', 'lag_p99_seconds > 0.5'],
    [
      'dead letters: depth instead of growth',
      'delta(rabbitmq_dead_letter_messages[10m]) > 0',
      'rabbitmq_dead_letter_messages > 0',
    ],
    ['readiness changes', 'changes(app_ready[15m]) > 4', 'changes(app_ready[15m]) > 6'],
  ])('a changed %s fails its unit test', (_what, from, to) => {
    const run = testMutated(from, to);
    expect(run.status, run.output).not.toBe(0);
    expect(run.output).toContain('FAILED');
  });

  it('promtool rejects a broken rule, so the check above is a real one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerts-'));
    try {
      writeFileSync(
        join(dir, 'bad.yml'),
        readFileSync(RULES, 'utf8').replace('sum by (job) (rate(', 'sum by (job) (rate(('),
      );
      expect(promtool('check', 'rules', join(dir, 'bad.yml')).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
