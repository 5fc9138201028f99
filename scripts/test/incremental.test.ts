import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { retestStaticSurvivors } from '../src/incremental.js';

const mutant = (id: string, status: string, isStatic: boolean) => ({
  id,
  status,
  static: isStatic,
  mutatorName: 'Regex',
});

describe('the incremental file between two mutation runs', () => {
  it('forgets the static mutants that were not detected, so a new test gets its chance at them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cookbook-incremental-')), 'incremental.json');
    const mutants = [
      mutant('1', 'Survived', true),
      mutant('2', 'NoCoverage', true),
      mutant('3', 'Killed', true),
      mutant('4', 'Timeout', true),
      mutant('5', 'Survived', false), // tied to its covering tests: Stryker reruns it when they change
      mutant('6', 'Ignored', true),
    ];
    writeFileSync(file, JSON.stringify({ schemaVersion: '2', files: { 'logging/logger.ts': { mutants } } }));
    expect(retestStaticSurvivors(file)).toBe(3);
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    expect(kept.files['logging/logger.ts'].mutants.map((m: { id: string }) => m.id)).toEqual(['3', '4', '5']);
    expect(kept.schemaVersion).toBe('2');
  });

  it('does nothing before the first run', () => {
    expect(retestStaticSurvivors(join(tmpdir(), 'no-such-incremental.json'))).toBe(0);
  });
});
