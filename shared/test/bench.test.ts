import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BenchLimit, brokenLimits, limitsLine, reportBench } from '../src/bench.js';

const pool: BenchLimit = { figure: 'pool vs inline', measured: 1.85, limit: 2, because: '2 cores', unit: 'x' };
const impossible: BenchLimit = { ...pool, measured: 2.79 };

describe('a bench states its physical limits and refuses a figure above them', () => {
  let dir: string;
  let reportFile: string;
  const reported = () => readFileSync(reportFile, 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-limit-'));
    reportFile = join(dir, 'reports.jsonl');
    writeFileSync(reportFile, '');
    vi.stubEnv('COOKBOOK_BENCH_REPORT', reportFile);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('states each figure beside its limit and where the limit comes from', () => {
    expect(limitsLine([pool, { figure: 'Fastify', measured: 9000, limit: 12_345.678, because: 'node:http' }])).toBe(
      'Physical limits: pool vs inline 1.85x ≤ 2x (2 cores); Fastify 9,000 ≤ 12,345.68 (node:http).',
    );
  });

  it('reports a table within its limits, with the limits under it', () => {
    reportBench('pool', '| a |', [pool]);
    const { name, markdown } = JSON.parse(reported()) as { name: string; markdown: string };
    expect(name).toBe('pool');
    expect(markdown).toMatch(
      /^\| a \|\n\nPhysical limits: pool vs inline 1\.85x ≤ 2x \(2 cores\)\.\n\n_Measured on Node /,
    );
  });

  it('a figure exactly at its limit is possible', () => {
    expect(brokenLimits([{ ...pool, measured: 2 }])).toEqual([]);
  });

  it('throws, naming the figure and the fix, and reports nothing, when a figure exceeds its limit', () => {
    expect(() => reportBench('pool', '| a |', [pool, impossible])).toThrow(
      'bench pool not written: Physical limits: pool vs inline 2.79x ≤ 2x (2 cores). A figure above',
    );
    expect(() => reportBench('pool', '| a |', [impossible])).toThrow(/rerun on a quiet machine/);
    expect(reported()).toBe('');
  });

  it('refuses a figure that is not a number (a task that measured nothing)', () => {
    expect(brokenLimits([{ ...pool, measured: Number.NaN }])).toHaveLength(1);
  });

  it('without limits, the table goes out as before', () => {
    reportBench('plain', '| b |');
    expect((JSON.parse(reported()) as { markdown: string }).markdown).toMatch(/^\| b \|\n\n_Measured on Node /);
  });
});
