import { isMain, runRecipes } from '@cookbook/shared';
import { acidTransferDemo } from '../acid-transfer/demo.js';
import { outboxDemo } from '../outbox/demo.js';
import { sagaDemo } from '../saga/demo.js';
import { twoPhaseCommitDemo } from '../two-phase-commit/demo.js';

export const recipes = {
  'acid-transfer': acidTransferDemo,
  saga: sagaDemo,
  'two-phase-commit': twoPhaseCommitDemo,
  outbox: outboxDemo,
};

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
