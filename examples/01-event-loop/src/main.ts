import { isMain, runRecipes } from '@cookbook/shared';
import { blockingDemo } from '../blocking/demo.js';
import { orderDemo } from '../order/demo.js';
import { phasesDemo } from '../phases/demo.js';

export const recipes = { order: orderDemo, phases: phasesDemo, blocking: blockingDemo };

if (isMain(import.meta.url)) process.exitCode = await runRecipes(recipes);
