import { readFileSync } from 'node:fs';
import { runRecipes } from '@cookbook/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recipes } from '../src/main.js';
import { preparedTransactionsDisabledMessage } from '../two-phase-commit/interbank-transfer.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  cookbook: { recipes: Record<string, string> };
};

describe('main', () => {
  it('lists one demo per manifest recipe, in the manifest order', () => {
    expect(Object.keys(recipes)).toEqual(Object.keys(manifest.cookbook.recipes));
  });

  it('an unknown recipe prints the valid names and exits 1', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(await runRecipes(recipes, { argv: ['nope'] })).toBe(1);
    expect(errors.join('\n')).toMatch(/"nope"[\s\S]*acid-transfer[\s\S]*saga[\s\S]*two-phase-commit[\s\S]*outbox/);
  });

  it('explains how to enable prepared transactions when they are off', () => {
    const message = preparedTransactionsDisabledMessage(0);
    expect(message).toMatch(/max_prepared_transactions = 0/);
    expect(message).toMatch(/ALTER SYSTEM SET max_prepared_transactions = 64/);
  });
});
